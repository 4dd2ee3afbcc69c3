package io.syncline.assessment;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.syncline.config.SyncConfig;
import io.syncline.record.IntakeKind;

/**
 * One flow's declared answers, checked: the seed's first question is the flow's {@code agent-facing}, the others
 * come from {@code sync.flows.<id>.assessment.*}. A flow that declares nothing gets {@code operational} and no
 * tempo; what its source supports is then taken from its intakes.
 *
 * @param sourceSupportsDeclared false when {@code source-supports} is derived from the flow's intakes
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@com.fasterxml.jackson.annotation.JsonPropertyOrder({ "agentFacing", "agentActions", "delayConsequence", "decisionTempo",
        "sourceSupports", "sourceSupportsDeclared", "costs" })
public record Answers(boolean agentFacing, List<String> agentActions, DelayConsequence delayConsequence,
        @com.fasterxml.jackson.annotation.JsonIgnore Duration decisionTempo, SourceSupport sourceSupports, boolean sourceSupportsDeclared, Costs costs) {

    /** What goes wrong if the data is 24 hours old. */
    public enum DelayConsequence {
        none, operational, customer, regulatory;

        /** Customer relationships and regulators do not wait for tomorrow's batch. */
        boolean isSevere() {
            return this == customer || this == regulatory;
        }
    }

    /** What the source system can do. */
    public enum SourceSupport {
        push("push"), queue("queue"), api("api"), filesOnly("files-only");

        private final String value;

        SourceSupport(String value) {
            this.value = value;
        }

        @com.fasterxml.jackson.annotation.JsonValue
        public String value() {
            return value;
        }

        /** Whether records can reach Syncline as they happen (webhook or queue). */
        boolean streams() {
            return this == push || this == queue;
        }

        static SourceSupport parse(String text) {
            for (SourceSupport s : values()) {
                if (s.value.equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            return null;
        }
    }

    /** Declared build and yearly run costs per mode; null where not declared. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Costs(Double realtimeBuild, Double realtimeRunPerYear, Double batchBuild, Double batchRunPerYear) {

        boolean declared() {
            return realtimeBuild != null || realtimeRunPerYear != null || batchBuild != null || batchRunPerYear != null;
        }
    }

    /**
     * The flow's answers; an unknown {@code delay-consequence} or {@code source-supports} fails naming the key.
     *
     * @param intakes the intakes the flow runs in any mode (webhook, jms, pull, file), for an undeclared source
     */
    public static Answers of(String flowId, SyncConfig.Flow flow, List<String> intakes) {
        DeclaredAnswers declared = flow.assessment();
        String prefix = "sync.flows." + flowId + ".assessment.";
        DelayConsequence consequence = DelayConsequence.operational;
        if (declared.delayConsequence().isPresent()) {
            try {
                consequence = DelayConsequence.valueOf(declared.delayConsequence().get().trim().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(prefix + "delay-consequence is '" + declared.delayConsequence().get()
                        + "'; expected none, operational, customer or regulatory");
            }
        }
        SourceSupport source = declared.sourceSupports().map(SourceSupport::parse).orElse(null);
        if (declared.sourceSupports().isPresent() && source == null) {
            throw new IllegalStateException(prefix + "source-supports is '" + declared.sourceSupports().get()
                    + "'; expected push, queue, api or files-only");
        }
        Duration tempo = declared.decisionTempo().orElse(null);
        if (tempo != null && (tempo.isNegative() || tempo.isZero())) {
            throw new IllegalStateException(prefix + "decision-tempo must be positive, not " + tempo);
        }
        List<String> actions = declared.agentActions().orElse(List.of()).stream().map(String::trim)
                .filter(a -> !a.isEmpty()).toList();
        Costs costs = new Costs(value(declared.cost().realtime().build()), value(declared.cost().realtime().runPerYear()),
                value(declared.cost().batch().build()), value(declared.cost().batch().runPerYear()));
        return new Answers(flow.agentFacing(), actions, consequence, tempo,
                source != null ? source : fromIntakes(intakes), source != null, costs.declared() ? costs : null);
    }

    /** The most capable of the flow's intakes: a webhook means the source pushes, a queue that it queues. */
    static SourceSupport fromIntakes(List<String> intakes) {
        if (intakes.contains(IntakeKind.WEBHOOK.wire())) {
            return SourceSupport.push;
        }
        if (intakes.contains(IntakeKind.JMS.wire())) {
            return SourceSupport.queue;
        }
        return intakes.contains(IntakeKind.PULL.wire()) ? SourceSupport.api : SourceSupport.filesOnly;
    }

    /** As declared: "P7D", "PT30M" (Duration.toString would say PT168H). */
    @com.fasterxml.jackson.annotation.JsonProperty("decisionTempo")
    public String decisionTempoText() {
        return decisionTempo == null ? null : iso(decisionTempo);
    }

    static String iso(Duration duration) {
        return duration.toSeconds() % 86_400 == 0 ? "P" + duration.toDays() + "D" : duration.toString();
    }

    /** Whether any agent uses the data: autonomously (agent-facing) or through declared actions. */
    boolean agentUses() {
        return agentFacing || !agentActions.isEmpty();
    }

    String quotedActions() {
        return agentActions.isEmpty() ? "" : " (agent-actions: " + String.join(", ", agentActions) + ")";
    }

    Optional<Duration> tempo() {
        return Optional.ofNullable(decisionTempo);
    }

    private static Double value(java.util.OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }
}
