package io.syncline.targets.salesforce;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.syncline.config.SyncConfig;

/**
 * The org's daily API allocation, shared by every flow: read from the {@code Sforce-Limit-Info} header of each
 * answer ({@code api-usage=used/max}). Below {@code sync.salesforce.api-reserve} calls left, non-critical flows
 * (batch and not agent-facing) hold their publishing while critical ones go on; after REQUEST_LIMIT_EXCEEDED or a
 * 429 every flow pauses for a while.
 */
@ApplicationScoped
public class SalesforceBudget {

    private static final Logger LOG = Logger.getLogger(SalesforceBudget.class);
    private static final Pattern API_USAGE = Pattern.compile("api-usage=(\\d+)/(\\d+)");

    private final SyncConfig config;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private volatile long used = -1;
    private volatile long max = -1;
    private volatile Instant pausedUntil = Instant.MIN;

    SalesforceBudget(SyncConfig config, MeterRegistry registry) {
        this.config = config;
        Gauge.builder("syncline.salesforce.api.remaining", this, b -> b.remaining() < 0 ? Double.NaN : b.remaining())
                .description("Daily API calls the Salesforce org has left, from the last Sforce-Limit-Info header")
                .register(registry);
        Gauge.builder("syncline.salesforce.api.max", this, b -> b.max < 0 ? Double.NaN : b.max)
                .description("The Salesforce org's daily API allocation").register(registry);
    }

    /** Reads {@code api-usage=used/max} of a {@code Sforce-Limit-Info} header; anything else is ignored. */
    public void observe(String limitInfo) {
        if (limitInfo == null) {
            return;
        }
        Matcher usage = API_USAGE.matcher(limitInfo);
        if (usage.find()) {
            observe(Long.parseLong(usage.group(1)), Long.parseLong(usage.group(2)));
        }
    }

    public synchronized void observe(long used, long max) {
        this.used = used;
        this.max = max;
        notifyAll();
    }

    /** Calls left today; -1 while no answer has said. */
    public long remaining() {
        return max < 0 ? -1 : Math.max(0, max - used);
    }

    public long max() {
        return max;
    }

    /** Batch flows that do not feed an agent may wait; the others are what the reserve is kept for. */
    public boolean isCritical(String flow) {
        SyncConfig.Flow settings = config.flow(flow);
        return settings.agentFacing() || settings.mode() == SyncConfig.Mode.realtime;
    }

    public boolean isHeld(String flow) {
        return held.contains(flow);
    }

    /** After REQUEST_LIMIT_EXCEEDED or 429: no flow publishes before {@code now + delay}. */
    public void pause(Duration delay) {
        Instant until = Instant.now().plus(delay);
        synchronized (this) {
            if (until.isAfter(pausedUntil)) {
                pausedUntil = until;
            }
        }
        LOG.warnf("Salesforce refused a request for its API limit: publishing pauses for %d ms", delay.toMillis());
    }

    /** How long publishing still pauses; zero when it does not. */
    public Duration pauseLeft() {
        Duration left = Duration.between(Instant.now(), pausedUntil);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /**
     * Returns when the flow may publish: at once for a critical flow or while the org has more than the reserve
     * left; otherwise the flow holds (shown in the catalog) and reads the org's limits again every
     * {@code hold-check-interval}, or sooner when another flow's answer brings news. Interrupted: stops holding.
     */
    public void awaitAllowance(String flow, Supplier<Boolean> refresh) throws InterruptedException {
        if (isCritical(flow)) {
            return;
        }
        long reserve = config.salesforce().apiReserve();
        long interval = Math.max(1, config.salesforce().holdCheckInterval().toMillis());
        while (remaining() >= 0 && remaining() < reserve) {
            if (held.add(flow)) {
                LOG.warnf("Flow %s holds its publishing: the Salesforce org has %d API calls left, the reserve is %d", flow,
                        remaining(), reserve);
            }
            synchronized (this) {
                wait(interval);
            }
            refresh.get();
        }
        if (held.remove(flow)) {
            LOG.infof("Flow %s publishes again: the Salesforce org has %d API calls left", flow, remaining());
        }
    }
}
