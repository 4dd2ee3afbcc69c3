package io.syncline.broker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.ConfigurationUtils;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.utils.ConfigurationHelper;
import org.jboss.logging.Logger;

import io.syncline.config.SyncConfig;
import io.syncline.security.SecretMasking;

/**
 * Refuses an acceptor (the embedded broker's door to the network) that could not be used safely: one without any
 * broker user (every connection would be refused, so it is a mistake), one whose users are wrong, and one without
 * TLS on an address other than loopback (passwords and records in clear) unless
 * {@code sync.broker.allow-plaintext-acceptor=true}, which turns that refusal into a warning at every start.
 */
final class AcceptorCheck {

    private static final Logger LOG = Logger.getLogger(AcceptorCheck.class);

    private AcceptorCheck() {
    }

    static void check(SyncConfig.Broker broker, Collection<String> flows) {
        if (broker.acceptor().isEmpty()) {
            if (!broker.users().isEmpty()) {
                LOG.warnf("%d broker user(s) configured but no sync.broker.acceptor: they have no way in",
                        broker.users().size());
            }
            return;
        }
        String acceptor = broker.acceptor().get();
        List<String> problems = new ArrayList<>(BrokerSecurity.problems(broker.users(), flows));
        if (broker.users().isEmpty()) {
            problems.add("sync.broker.acceptor is set but no broker user is configured, so every connection through it"
                    + " would be refused: add sync.broker.users.<name>.password-hash with .send-to=<flow-id> (a source"
                    + " system) or .instance=true (another Syncline instance), or remove sync.broker.acceptor");
        }
        List<String> plaintext = plaintextHosts(acceptor);
        if (!plaintext.isEmpty()) {
            String risk = "sync.broker.acceptor listens on " + String.join(", ", plaintext) + " without TLS: broker"
                    + " passwords and records would cross the network in clear";
            if (broker.allowPlaintextAcceptor()) {
                LOG.warnf("SECURITY: %s (allowed by sync.broker.allow-plaintext-acceptor=true)", risk);
            } else {
                problems.add(risk + ". Add sslEnabled=true&keyStorePath=...&keyStorePassword=... to it, listen on"
                        + " 127.0.0.1 only, or accept the risk with sync.broker.allow-plaintext-acceptor=true");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The embedded broker's acceptor " + SecretMasking.url(acceptor)
                    + " is refused:\n  - " + String.join("\n  - ", problems));
        }
        LOG.infof("Broker acceptor %s open to %d user(s), each authenticated; in-process connections need none",
                SecretMasking.url(acceptor), broker.users().size());
    }

    /** The addresses the acceptor listens on without TLS, other than loopback. */
    static List<String> plaintextHosts(String acceptor) {
        List<String> hosts = new ArrayList<>();
        try {
            for (TransportConfiguration transport : ConfigurationUtils.parseAcceptorURI("core", acceptor)) {
                Map<String, Object> params = transport.getParams();
                if (ConfigurationHelper.getBooleanProperty(TransportConstants.SSL_ENABLED_PROP_NAME, false, params)) {
                    continue;
                }
                String listed = ConfigurationHelper.getStringProperty(TransportConstants.HOST_PROP_NAME,
                        TransportConstants.DEFAULT_HOST, params);
                Arrays.stream(listed.split(",")).map(String::trim).filter(host -> !isLoopback(host)).forEach(hosts::add);
            }
        } catch (Exception e) {
            throw new IllegalStateException("sync.broker.acceptor is not an acceptor URL Artemis can read: " + e.getMessage(), e);
        }
        return hosts;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
