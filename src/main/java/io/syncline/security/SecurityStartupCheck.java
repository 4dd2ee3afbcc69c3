package io.syncline.security;

import java.util.stream.StreamSupport;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Says at start-up how the operations API is protected: with no embedded user and no OIDC provider, every
 * {@code /api} call is refused (401), which is safe but rarely what was meant. Names no user and no secret.
 */
@ApplicationScoped
public class SecurityStartupCheck {

    static final String USERS = "quarkus.security.users.embedded.users.";
    private static final Logger LOG = Logger.getLogger(SecurityStartupCheck.class);

    void check(@Observes StartupEvent event, Config config) {
        long users = StreamSupport.stream(config.getPropertyNames().spliterator(), false)
                .filter(name -> name.startsWith(USERS)).count();
        boolean oidc = config.getOptionalValue("quarkus.oidc.tenant-enabled", Boolean.class).orElse(false);
        if (users == 0 && !oidc) {
            LOG.warnf("No users are configured and OIDC is off: /api and the dashboard's actions answer 401 to everyone."
                    + " Add a user (%s<name>, README \"Users and roles\") or set quarkus.oidc.*", USERS);
        } else {
            LOG.infof("Operations API: %d embedded user(s)%s; wellness checks %s, metrics %s", users,
                    oidc ? " and OIDC bearer tokens" : "", config.getOptionalValue("sync.security.health", String.class).orElse("permit"),
                    config.getOptionalValue("sync.security.metrics", String.class).orElse("permit"));
        }
    }
}
