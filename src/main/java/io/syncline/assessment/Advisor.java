package io.syncline.assessment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.syncline.assessment.Answers.DelayConsequence;
import io.syncline.assessment.Answers.SourceSupport;

/**
 * The seed's framework as rules, first match wins. The source decides what is possible; an agent acting
 * autonomously makes real-time the default; evidence that keys change several times a day while an agent acts on
 * them overrules a declared tempo; a 24-hour delay that changes nothing makes batch the answer, as often as the
 * people act on it or, failing a declared tempo, as often as the data changes; otherwise the decision tempo and the
 * consequence of a delay set the mode and the cadence.
 */
public final class Advisor {

    /** Keys changing this often a day are more than a daily batch can follow. */
    static final double FREQUENT_KEY_CHANGES = 2.0;
    /** Below this tempo people act on the record as it happens. */
    static final Duration IMMEDIATE = Duration.ofMinutes(15);
    static final Duration WITHIN_THE_HOUR = Duration.ofHours(1);

    private Advisor() {
    }

    /** @param schedule the flow's own Quartz cron, suggested again when it already has the advised cadence */
    public static Advice advise(Answers answers, Evidence evidence, Optional<String> schedule) {
        List<String> reasons = new ArrayList<>();
        SourceSupport source = answers.sourceSupports();
        String sourceAnswer = "source-supports=" + source.value() + (answers.sourceSupportsDeclared() ? "" : " (from its intakes)");
        Duration tempo = answers.decisionTempo();
        String tempoAnswer = tempo == null ? null : "decision-tempo=" + Answers.iso(tempo);
        String consequenceAnswer = "delay-consequence=" + answers.delayConsequence();

        if (source == SourceSupport.filesOnly) {
            reasons.add(sourceAnswer + ": the source only delivers files, so only batch is possible");
            if (answers.agentUses()) {
                reasons.add(agentAnswer(answers) + ": run the batch as often as files come, and ask for a source that pushes");
            }
            return batch(cadence(answers, evidence, reasons), schedule, reasons);
        }
        if (answers.agentFacing()) {
            reasons.add(agentAnswer(answers) + ": an AI agent acts on it autonomously and would act on stale data");
            staleFigure(evidence, tempo).ifPresent(reasons::add);
            return asSoonAsTheSourceAllows(source, sourceAnswer, schedule, reasons);
        }
        Double changes = evidence.keyChangesPerDay();
        Cadence planned = tempo != null ? Cadence.within(tempo) : Cadence.daily;
        if (!answers.agentActions().isEmpty() && changes != null
                && changes >= Math.max(FREQUENT_KEY_CHANGES, planned.windowsPerDay())) {
            reasons.add(changesFigure(evidence) + ": more often than " + planned.batchPhrase() + " can follow");
            reasons.add(agentAnswer(answers) + ": between windows an agent acts on values already superseded");
            staleFigure(evidence, tempo).ifPresent(reasons::add);
            return asSoonAsTheSourceAllows(source, sourceAnswer, schedule, reasons);
        }
        if (answers.delayConsequence() == DelayConsequence.none) {
            reasons.add(consequenceAnswer + ": a 24-hour delay changes nothing material");
            Cadence cadence = cadence(answers, evidence, reasons);
            reasons.add(sourceAnswer + batchSource(source));
            return batch(cadence, schedule, reasons);
        }
        if (tempo != null && tempo.compareTo(IMMEDIATE) < 0 && source.streams()) {
            reasons.add(tempoAnswer + ": the people who use it act within minutes");
            reasons.add(sourceAnswer + ": records can arrive as they happen");
            return new Advice(Advice.REALTIME, null, null, reasons);
        }
        if (tempo != null && tempo.compareTo(WITHIN_THE_HOUR) < 0) {
            reasons.add(tempoAnswer + ": within the hour, not within the second");
            if (source.streams()) {
                reasons.add(sourceAnswer + ": records arrive as they happen and share calls within a short interval");
                return new Advice(Advice.MICRO_BATCHED, null, null, reasons);
            }
            reasons.add(sourceAnswer + ": a pull every 15 minutes keeps up");
            return batch(Cadence.every15Minutes, schedule, reasons);
        }
        boolean sameDay = tempo == null || tempo.compareTo(Duration.ofDays(1)) <= 0;
        if (answers.delayConsequence().isSevere() && sameDay && source.streams()) {
            reasons.add(consequenceAnswer + ": a day's delay reaches " + (answers.delayConsequence() == DelayConsequence.regulatory
                    ? "regulatory timelines" : "customers") + ", so records go the same day");
            if (tempoAnswer != null) {
                reasons.add(tempoAnswer + ": nobody acts on it within the hour, so records can share calls");
            }
            reasons.add(sourceAnswer + ": records arrive as they happen");
            return new Advice(Advice.MICRO_BATCHED, null, null, reasons);
        }
        reasons.add(consequenceAnswer + ": the cost of a delay is bounded by how often people act on it");
        Cadence cadence = cadence(answers, evidence, reasons);
        reasons.add(sourceAnswer + batchSource(source));
        return batch(cadence, schedule, reasons);
    }

    /**
     * How often to run a batch: the decision tempo; without one, for data whose delay changes nothing, how often it
     * changes; else daily. Adds the reason for the choice.
     */
    /** Real time where the source streams; otherwise the closest batch to it, a pull every 15 minutes. */
    private static Advice asSoonAsTheSourceAllows(SourceSupport source, String sourceAnswer, Optional<String> schedule,
            List<String> reasons) {
        if (source.streams()) {
            reasons.add(sourceAnswer + ": records can arrive as they happen");
            return new Advice(Advice.REALTIME, null, null, reasons);
        }
        reasons.add(sourceAnswer + ": the closest to real time is a pull every 15 minutes");
        return batch(Cadence.every15Minutes, schedule, reasons);
    }

    private static Cadence cadence(Answers answers, Evidence evidence, List<String> reasons) {
        if (answers.decisionTempo() != null) {
            Cadence cadence = Cadence.within(answers.decisionTempo());
            reasons.add("decision-tempo=" + Answers.iso(answers.decisionTempo()) + ": " + cadence.batchPhrase() + " is as fresh as it is used");
            return cadence;
        }
        if (answers.delayConsequence() == DelayConsequence.none && evidence.records() > 0) {
            double daysPerRecord = 1 / (evidence.records() / evidence.daysObserved());
            Cadence cadence = Cadence.within(Duration.ofMinutes(Math.round(daysPerRecord * 24 * 60)));
            reasons.add(String.format(Locale.ROOT, "%s records a day (%d in %.1f days): about one every %s, so %s misses nothing",
                    format(evidence.recordsPerDay()), evidence.records(), evidence.daysObserved(), every(daysPerRecord), cadence.batchPhrase()));
            return cadence;
        }
        reasons.add("no decision-tempo declared: daily");
        return Cadence.daily;
    }

    private static String batchSource(SourceSupport source) {
        return source == SourceSupport.api ? ": a scheduled pull takes what changed" : ": the source could stream, but nothing needs it";
    }

    private static Advice batch(Cadence cadence, Optional<String> schedule, List<String> reasons) {
        String cron = schedule.filter(s -> Cadence.of(s).orElse(null) == cadence).orElse(cadence.cron());
        return new Advice(Advice.BATCH, cadence, cron, reasons);
    }

    static String agentAnswer(Answers answers) {
        return "agent-facing=" + answers.agentFacing() + answers.quotedActions();
    }

    static String changesFigure(Evidence evidence) {
        return String.format(Locale.ROOT, "keys change %s times a day (%d records, %d of them a key's repeat change within 24 h, over %.1f days)",
                format(evidence.keyChangesPerDay()), evidence.records(), evidence.repeatChanges(), evidence.daysObserved());
    }

    /** "12 of 40 records (30%) reached the target more than PT1M after their source time", when any did. */
    static Optional<String> staleFigure(Evidence evidence, Duration tempo) {
        if (tempo == null || evidence.lagged() == 0) {
            return Optional.empty();
        }
        long stale = evidence.recordsLaterThan(tempo);
        if (stale == 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%d of %d records (%.0f%%) reached the target more than %s after their"
                + " source time: read stale by whoever acts within decision-tempo=%s", stale, evidence.lagged(),
                100.0 * stale / evidence.lagged(), Answers.iso(tempo), Answers.iso(tempo)));
    }

    static String format(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String every(double days) {
        if (days >= 1) {
            return String.format(Locale.ROOT, "%.1f days", days);
        }
        return format(Evidence.round(days * 24)) + " hours";
    }
}
