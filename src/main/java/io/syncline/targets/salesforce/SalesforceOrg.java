package io.syncline.targets.salesforce;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.component.salesforce.SalesforceEndpointConfig;
import org.apache.camel.support.jsse.KeyStoreParameters;

import io.syncline.config.SyncConfig;

/**
 * The one org of this installation: camel-salesforce's component, configured from {@code sync.salesforce.*} so that
 * the startup check and the README speak of one set of keys. Login is lazy: nothing is called until a flow publishes,
 * so an installation without a salesforce flow never needs credentials. camel-salesforce re-authenticates on a 401
 * (its SalesforceSecurityHandler logs in again and replays the request) and keeps the token out of its logs.
 */
@ApplicationScoped
public class SalesforceOrg {

    @Produces
    @Singleton
    @Named("salesforce")
    SalesforceComponent salesforce(SyncConfig config) {
        SyncConfig.Salesforce org = config.salesforce();
        SalesforceComponent component = new SalesforceComponent();
        component.setLoginUrl(org.loginUrl());
        component.setLazyLogin(true);
        org.clientId().ifPresent(component::setClientId);
        if (org.auth() == SyncConfig.SalesforceAuth.jwt) {
            component.setAuthenticationType(AuthenticationType.JWT);
            org.username().ifPresent(component::setUserName);
            org.jwtAudience().ifPresent(component::setJwtAudience);
            if (org.keystorePath().isPresent()) {
                KeyStoreParameters keystore = new KeyStoreParameters();
                keystore.setResource("file:" + org.keystorePath().get());
                keystore.setType("PKCS12");
                org.keystorePassword().ifPresent(keystore::setPassword);
                component.setKeystore(keystore);
            }
        } else {
            component.setAuthenticationType(AuthenticationType.CLIENT_CREDENTIALS);
            org.clientSecret().ifPresent(component::setClientSecret);
        }
        component.setHttpRequestTimeout(org.requestTimeout().toMillis());
        component.setHttpClientConnectionTimeout(org.requestTimeout().toMillis());
        // Syncline sends no generated DTOs (rawPayload JSON, SObjectRecord for collections); naming this package
        // tells camel-salesforce so, instead of a warning at every start that getSObject* operations will not work.
        component.setPackages(SObjectRecord.class.getPackageName());
        SalesforceEndpointConfig endpoints = new SalesforceEndpointConfig();
        endpoints.setApiVersion(org.apiVersion());
        component.setConfig(endpoints);
        return component;
    }

    /** What is missing for the configured authentication, as configuration keys; empty when nothing is. */
    public static List<String> missingCredentials(SyncConfig.Salesforce org) {
        List<String> missing = new ArrayList<>();
        if (org.clientId().filter(s -> !s.isBlank()).isEmpty()) {
            missing.add("sync.salesforce.client-id");
        }
        if (org.auth() == SyncConfig.SalesforceAuth.jwt) {
            if (org.username().filter(s -> !s.isBlank()).isEmpty()) {
                missing.add("sync.salesforce.username");
            }
            if (org.keystorePath().filter(s -> !s.isBlank()).isEmpty()) {
                missing.add("sync.salesforce.keystore-path");
            } else if (!Files.isReadable(Path.of(org.keystorePath().get()))) {
                missing.add("sync.salesforce.keystore-path (" + org.keystorePath().get() + " is not readable)");
            }
        } else if (org.clientSecret().filter(s -> !s.isBlank()).isEmpty()) {
            missing.add("sync.salesforce.client-secret");
        }
        return missing;
    }
}
