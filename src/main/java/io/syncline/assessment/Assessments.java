package io.syncline.assessment;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.Route;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.HealthRegistry;
import io.smallrye.health.api.Wellness;
import io.syncline.config.FlowStarted;
import io.syncline.config.SyncConfig;
import io.syncline.flows.FlowCatalog;
import io.syncline.assessment.FlowAssessment.Cost;
import io.syncline.targets.salesforce.SalesforceBudget;

/**
 * The sync assessment of every flow: declared answers joined with the evidence, the advice, the cost comparison
 * and drift. Drift is never silent: the wellness check {@code sync-assessment} is DOWN while any flow runs in a
 * mode the advice disagrees with, and {@code syncline_assessment_drift{flow}} is 1 for it.
 */
@ApplicationScoped
public class Assessments {

    /** How long the metric and the wellness check reuse an assessment: a scrape does not query the store each time. */
    static final Duration REUSE = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(Assessments.class);

    private final SyncConfig config;
    private final EvidenceStore evidence;
    private final FlowCatalog catalog;
    private final SalesforceBudget budget;
    private volatile List<FlowAssessment> recent = List.of();
    private volatile Instant recentAt = Instant.MIN;

    Assessments(SyncConfig config, EvidenceStore evidence, FlowCatalog catalog, SalesforceBudget budget) {
        this.config = config;
        this.evidence = evidence;
        this.catalog = catalog;
        this.budget = budget;
    }

    /** Start-up: every flow's answers are checked (a bad value fails naming the key), then drift is watched. */
    void watch(@Observes StartupEvent event, MeterRegistry registry, @Wellness HealthRegistry wellness) {
        for (String flow : config.flows().keySet()) {
            Answers.of(flow, config.flow(flow), intakes(flow));
            driftGauge(flow, registry);
        }
        wellness.register("sync-assessment", this::driftCheck);
    }

    /** A flow started or gone while running (its folder added to or removed from sync.flows-dir). */
    void changed(@Observes FlowStarted change, MeterRegistry registry) {
        if (change.running()) {
            driftGauge(change.flowId(), registry);
        } else {
            registry.find("syncline.assessment.drift").tag("flow", change.flowId()).meters().forEach(registry::remove);
        }
    }

    private void driftGauge(String flow, MeterRegistry registry) {
        Gauge.builder("syncline.assessment.drift", this, a -> a.recent(flow).filter(f -> f.drift().drifting()).isPresent() ? 1 : 0)
                .description("1 while the flow runs in a mode the sync assessment advises against")
                .tag("flow", flow).register(registry);
    }

    /** Every flow, by id. */
    public List<FlowAssessment> all() throws SQLException {
        Instant now = Instant.now();
        Map<String, Evidence> observed = evidence.summary(now);
        List<FlowAssessment> assessments = new ArrayList<>();
        for (String flow : config.flows().keySet().stream().sorted().toList()) {
            assessments.add(assess(flow, observed.getOrDefault(flow, evidence.empty())));
        }
        recent = assessments;
        recentAt = now;
        return assessments;
    }

    public Optional<FlowAssessment> one(String flow) throws SQLException {
        if (!config.flows().containsKey(flow)) {
            return Optional.empty();
        }
        return all().stream().filter(a -> a.flow().equals(flow)).findFirst();
    }

    FlowAssessment assess(String flowId, Evidence observed) {
        SyncConfig.Flow flow = config.flow(flowId);
        Answers answers = Answers.of(flowId, flow, intakes(flowId));
        Advice advice = Advisor.advise(answers, observed, flow.schedule());
        Cost cost = cost(flowId, flow, answers, observed, advice);
        if (Advice.BATCH.equals(advice.mode()) && cost.batchSavesPerDay() > 0) {
            List<String> reasons = new ArrayList<>(advice.reasons());
            reasons.add(String.format(Locale.ROOT, "%s API calls a day in real time against %s in batches (%s): %s saved",
                    Advisor.format(cost.realtime().apiCallsPerDay()), Advisor.format(cost.batch().apiCallsPerDay()),
                    cost.batchCadence().label(), Advisor.format(cost.batchSavesPerDay())));
            advice = new Advice(advice.mode(), advice.cadence(), advice.cron(), reasons);
        }
        String running = flow.mode().name();
        FlowAssessment.Drift drift = running.equals(advice.modeSetting()) ? new FlowAssessment.Drift(false, null)
                : new FlowAssessment.Drift(true, "runs in " + running + " mode, advised " + advice.summary() + ": "
                        + String.join("; ", advice.reasons()));
        return new FlowAssessment(flowId, flowId.substring(0, flowId.indexOf('-')), flow.dataFlow().orElse(null), running,
                advice, drift, answers, observed,
                answers.decisionTempo() == null ? null : observed.recordsLaterThan(answers.decisionTempo()), cost);
    }

    private Cost cost(String flowId, SyncConfig.Flow flow, Answers answers, Evidence observed, Advice advice) {
        long orgMax = budget.max();
        long allowance = orgMax > 0 ? orgMax : config.assessment().dailyApiAllowance();
        String allowanceFrom = orgMax > 0 ? "org" : "sync.assessment.daily-api-allowance";
        SyncConfig.SalesforceObject salesforce = flow.target().salesforce();
        ApiCallEstimate.Chunking chunking = new ApiCallEstimate.Chunking(
                flow.target().chunkSize().orElse(salesforce.bulkThreshold() + 1), salesforce.bulkThreshold(),
                answers.sourceSupports() == Answers.SourceSupport.api, flow.pull().pageSize());
        Cadence cadence = advice.cadence() != null ? advice.cadence()
                : flow.mode() == SyncConfig.Mode.batch && flow.schedule().isPresent()
                        ? Cadence.of(flow.schedule().get()).orElse(Cadence.daily)
                        : answers.decisionTempo() != null ? Cadence.within(answers.decisionTempo()) : Cadence.daily;
        double perDay = observed.records() / observed.daysObserved();
        Answers.Costs declared = answers.costs();
        double single = ApiCallEstimate.singleUpserts(perDay);
        double micro = ApiCallEstimate.microBatched(perDay, config.assessment().microBatchInterval(), chunking);
        double batch = ApiCallEstimate.batch(perDay, cadence, chunking);
        return new Cost(flow.target().kind().name(), allowance, allowanceFrom, chunking,
                modeCost(single, allowance, "one upsertSObject call a record", declared == null ? null : declared.realtimeBuild(),
                        declared == null ? null : declared.realtimeRunPerYear()),
                modeCost(micro, allowance, "sObject Collections calls of up to " + Math.min(200, chunking.chunkSize())
                        + " records, sharing each " + config.assessment().microBatchInterval(),
                        declared == null ? null : declared.realtimeBuild(), declared == null ? null : declared.realtimeRunPerYear()),
                cadence,
                modeCost(batch, allowance, batchHow(chunking, cadence), declared == null ? null : declared.batchBuild(),
                        declared == null ? null : declared.batchRunPerYear()),
                Evidence.round(Math.max(0, single - batch)));
    }

    private static String batchHow(ApiCallEstimate.Chunking chunking, Cadence cadence) {
        if (chunking.pull()) {
            return cadence.label() + " pulls, a page of " + chunking.pageSize() + " a set of sObject Collections calls";
        }
        return cadence.label() + " files in chunks of " + chunking.chunkSize() + (chunking.chunkSize() > chunking.bulkThreshold()
                ? ", above " + chunking.bulkThreshold() + " rows a Bulk API 2.0 job each (" + ApiCallEstimate.CALLS_PER_BULK_JOB
                        + " calls), else sObject Collections calls of up to 200"
                : ", sObject Collections calls of up to 200");
    }

    private static ApiCallEstimate.ModeCost modeCost(double calls, long allowance, String how, Double build, Double run) {
        return new ApiCallEstimate.ModeCost(calls, allowance <= 0 ? 0 : Math.round(calls / allowance * 1_000_000) / 1_000_000.0,
                how, build, run);
    }

    /** The intakes the flow runs now, from its route ids {@code <flow>-<kind>}. */
    private List<String> intakes(String flow) {
        return catalog.routes(flow).stream().map(Route::getRouteId).map(id -> id.substring(id.lastIndexOf('-') + 1)).toList();
    }

    /** The last assessment of a flow, at most {@link #REUSE} old. */
    Optional<FlowAssessment> recent(String flow) {
        if (Duration.between(recentAt, Instant.now()).compareTo(REUSE) > 0) {
            try {
                all();
            } catch (SQLException | RuntimeException e) {
                LOG.warnf("The sync assessment could not be made: %s", e.getMessage());
            }
        }
        return recent.stream().filter(a -> a.flow().equals(flow)).findFirst();
    }

    private HealthCheckResponse driftCheck() {
        List<FlowAssessment> drifting = config.flows().keySet().stream().sorted().map(this::recent).flatMap(Optional::stream)
                .filter(a -> a.drift().drifting()).toList();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("sync-assessment").status(drifting.isEmpty())
                .withData("drifting", drifting.size());
        for (FlowAssessment assessment : drifting) {
            response.withData(assessment.flow(), assessment.drift().reason());
        }
        return response.build();
    }
}
