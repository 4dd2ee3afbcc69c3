package io.syncline.config;

/**
 * A CDI event: a flow that was not configured at start-up now runs (its folder was added to {@code sync.flows-dir}),
 * or a flow stopped for good (its folder was removed and no built-in flow has its id). What registers something per
 * flow at start-up (wellness check, gauges, JMX bean) does it for such a flow too, or takes it away.
 *
 * @param running true when the flow starts, false when it is gone
 */
public record FlowStarted(String flowId, boolean running) {
}
