package io.syncline.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnection;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.apache.activemq.artemis.utils.SecurityManagerUtil;

import io.syncline.config.SyncConfig;

/**
 * Who may do what on the embedded broker, fed from {@code sync.broker.users.*}. Artemis checks every connection and
 * every send, consume, browse and management call against the security settings of {@link #settings}; this class
 * only says who a connection is (authentication) and whether its roles hold the permission (authorization):
 * <ul>
 * <li>a connection through the in-VM acceptor is Syncline itself (only code in this process can open one) and may
 * do everything, with no password anywhere;</li>
 * <li>any other connection must name a configured user and its password, whose stored form is
 * {@code HEX(SHA-512("<user>:Syncline:<password>"))} like the operations API's users;</li>
 * <li>a source user may send to the queues of the flows it is granted ({@code sync.<flow-id>.in}), nothing else;</li>
 * <li>an instance user (another Syncline sharing this broker) may send, consume and browse Syncline's addresses,
 * never purge, delete or manage.</li>
 * </ul>
 */
public final class BrokerSecurity implements ActiveMQSecurityManager5 {

    /** Syncline in this process. */
    static final String IN_PROCESS = "syncline";
    /** Another Syncline instance connected through the acceptor. */
    static final String INSTANCE = "syncline-instance";
    static final String REALM = "Syncline";

    private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{128}");

    private final Map<String, StoredUser> users;

    private record StoredUser(byte[] hash, Set<String> roles) {
    }

    public BrokerSecurity(Map<String, SyncConfig.BrokerUser> configured) {
        Map<String, StoredUser> stored = new LinkedHashMap<>();
        configured.forEach((name, user) -> stored.put(name,
                new StoredUser(HexFormat.of().parseHex(user.passwordHash().trim()), roles(user))));
        this.users = Map.copyOf(stored);
    }

    /**
     * What each role may do where, for Artemis's security settings. The most specific match wins in Artemis, so the
     * roles of a broader match are repeated on the narrower ones.
     */
    public static Map<String, Set<Role>> settings(Collection<String> flows, String deadLetterAddress) {
        Map<String, Set<Role>> settings = new LinkedHashMap<>();
        settings.put("#", Set.of(inProcess()));
        settings.put("sync.#", Set.of(inProcess(), instance()));
        settings.put(deadLetterAddress, Set.of(inProcess(), instance()));
        for (String flow : flows) {
            settings.put(queue(flow), Set.of(inProcess(), instance(),
                    new Role(sendRole(flow), true, false, false, false, false, false, false, false, false, false, false, false)));
        }
        return settings;
    }

    public static String queue(String flow) {
        return "sync." + flow + ".in";
    }

    /**
     * What is wrong with the configured broker users, each naming its key: a stored password that is not a SHA-512
     * hash, a grant of an unknown flow, a user that may do nothing.
     */
    public static List<String> problems(Map<String, SyncConfig.BrokerUser> users, Collection<String> flows) {
        List<String> problems = new ArrayList<>();
        users.forEach((name, user) -> {
            String key = "sync.broker.users." + name;
            if (!HASH.matcher(user.passwordHash().trim()).matches()) {
                problems.add(key + ".password-hash is not HEX(SHA-512(\"" + name + ":" + REALM
                        + ":<password>\")) (128 hexadecimal digits)");
            }
            List<String> sendTo = user.sendTo().orElse(List.of());
            for (String flow : sendTo) {
                if (!flows.contains(flow)) {
                    problems.add(key + ".send-to names " + flow + ", which is not a configured flow");
                }
            }
            if (sendTo.isEmpty() && !user.instance()) {
                problems.add(key + " may do nothing: set " + key + ".send-to=<flow-id>,... (a source system) or "
                        + key + ".instance=true (another Syncline instance)");
            }
        });
        return problems;
    }

    /** The stored form of a password. */
    public static String hash(String user, String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512")
                    .digest((user + ":" + REALM + ":" + password).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is not available", e);
        }
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        if (connection != null && connection.getTransportConnection() instanceof InVMConnection) {
            return subject(IN_PROCESS, Set.of(IN_PROCESS));
        }
        StoredUser stored = user == null ? null : users.get(user);
        if (stored == null || password == null) {
            return null;
        }
        byte[] given = HexFormat.of().parseHex(hash(user, password));
        return MessageDigest.isEqual(stored.hash(), given) ? subject(user, stored.roles()) : null;
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        return subject != null && SecurityManagerUtil.authorize(subject, roles, checkType, RolePrincipal.class);
    }

    @Override
    public boolean validateUser(String user, String password) {
        return authenticate(user, password, null, null) != null;
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return authorize(authenticate(user, password, null, null), roles, checkType, null);
    }

    private static Set<String> roles(SyncConfig.BrokerUser user) {
        List<String> roles = new ArrayList<>();
        if (user.instance()) {
            roles.add(INSTANCE);
        }
        user.sendTo().orElse(List.of()).forEach(flow -> roles.add(sendRole(flow)));
        return Set.copyOf(roles);
    }

    private static String sendRole(String flow) {
        return "send:" + flow;
    }

    private static Subject subject(String user, Set<String> roles) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        roles.forEach(role -> subject.getPrincipals().add(new RolePrincipal(role)));
        return subject;
    }

    private static Role inProcess() {
        return new Role(IN_PROCESS, true, true, true, true, true, true, true, true, true, true, true, true);
    }

    /** Send, consume, browse and create Syncline's queues; never delete, purge or manage. */
    private static Role instance() {
        return new Role(INSTANCE, true, true, true, false, false, false, false, true, true, false, false, false);
    }
}
