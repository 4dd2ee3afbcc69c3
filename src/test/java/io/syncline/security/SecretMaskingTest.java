package io.syncline.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the readiness check and the flow catalog show of a URL with credentials in it. */
class SecretMaskingTest {

    @Test
    void aBrokerUrlShowsItsStoresButNotTheirPasswords() {
        assertEquals("tcp://artemis:61617?sslEnabled=true&trustStorePath=/etc/t.p12&trustStorePassword=***&keyStorePassword=***",
                SecretMasking.url("tcp://artemis:61617?sslEnabled=true&trustStorePath=/etc/t.p12&trustStorePassword=s3cret&keyStorePassword=k3y"));
    }

    @Test
    void aTargetUrlShowsItsHostAndPathButNotItsCredentials() {
        assertEquals("https://***@crm.example.com/api/claims?api_key=***&page=2",
                SecretMasking.url("https://svc:pa55@crm.example.com/api/claims?api_key=abc123&page=2"));
        assertEquals("https://crm.example.com/api/claims", SecretMasking.url("https://crm.example.com/api/claims"));
        assertEquals("failed invoking https://***@a.example/x, redirected to https://***@b.example/y",
                SecretMasking.url("failed invoking https://u:p@a.example/x, redirected to https://v:p@ss@b.example/y"));
    }
}
