package io.syncline.flows;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.syncline.config.SyncConfig;
import io.syncline.freshness.ExpectedHours;
import io.syncline.security.WebhookSignature;
import io.syncline.targets.salesforce.SalesforceOrg;
import io.syncline.validation.FlowSchemas;

/**
 * Refuses to start a Syncline whose flows do not add up, naming the flow and the key: every configured flow has a
 * schema that names its key and source timestamp, a route file that defines it, and what its target needs; every
 * flow a route file defines is configured. (An unknown mode or target kind is refused by the configuration itself.)
 */
@ApplicationScoped
public class FlowStartupCheck {

    private static final Logger LOG = Logger.getLogger(FlowStartupCheck.class);

    void check(@Observes StartupEvent event, SyncConfig config, FlowSchemas schemas, CamelContext camel) {
        List<String> problems = new ArrayList<>();
        Set<String> routedFlows = new TreeSet<>();
        for (Route route : camel.getRoutes()) {
            String flowId = FlowCatalog.flowOf(route.getRouteId());
            if (flowId != null) {
                routedFlows.add(flowId);
            }
        }
        for (String flowId : new TreeSet<>(config.flows().keySet())) {
            SyncConfig.Flow flow = config.flow(flowId);
            try {
                schemas.forFlow(flowId);
            } catch (IllegalStateException e) {
                problems.add("flow " + flowId + ": " + e.getMessage());
            }
            if (!routedFlows.contains(flowId)) {
                problems.add("flow " + flowId + ": configured under sync.flows." + flowId + " but no route file under"
                        + " routes/<industry>/ defines an intake for sync.flows." + flowId + ".mode=" + flow.mode());
            }
            if (flow.target().kind() == SyncConfig.TargetKind.http && flow.target().url().isEmpty()) {
                problems.add("flow " + flowId + ": sync.flows." + flowId + ".target.kind=http needs sync.flows." + flowId
                        + ".target.url");
            }
            String authMissing = io.syncline.targets.HttpTargetAuth.missing(flowId, flow.target().auth());
            if (flow.target().kind() == SyncConfig.TargetKind.http && authMissing != null) {
                problems.add("flow " + flowId + ": sync.flows." + flowId + ".target.auth.kind="
                        + flow.target().auth().kind().name().replace('_', '-') + " needs " + authMissing);
            }
            if (flow.target().kind() == SyncConfig.TargetKind.salesforce) {
                problems.addAll(salesforceProblems(config, flowId));
            }
            SyncConfig.Freshness freshness = flow.freshness();
            if (freshness.expectedActivity().hours().isPresent()) {
                try {
                    new ExpectedHours(freshness.expectedActivity().hours().get(), freshness.expectedActivity().zone());
                } catch (IllegalArgumentException e) {
                    problems.add("flow " + flowId + ": sync.flows." + flowId + ".freshness.expected-activity.hours: " + e.getMessage());
                }
            }
            if (freshness.maxRejectedShare() <= 0 || freshness.maxRejectedShare() > 1) {
                problems.add("flow " + flowId + ": sync.flows." + flowId + ".freshness.max-rejected-share must be above 0 and at most 1");
            }
        }
        for (String flowId : new TreeSet<>(config.flows().keySet())) {
            boolean takesWebhooks = camel.getRoute(flowId + "-webhook") != null;
            boolean signed = config.flow(flowId).webhook().secret().filter(s -> !s.isBlank()).isPresent();
            if (takesWebhooks && config.acceptsUnsignedWebhooks(flowId)) {
                LOG.warnf("Flow %s takes unsigned webhooks: set sync.flows.%s.webhook.secret to require %s", flowId,
                        flowId, WebhookSignature.HEADER);
            } else if (takesWebhooks && !signed) {
                LOG.warnf("Flow %s refuses every webhook: it publishes beyond this machine and has no"
                        + " sync.flows.%s.webhook.secret; set one (or sync.flows.%s.webhook.open=true)", flowId, flowId, flowId);
            }
        }
        for (String routed : routedFlows) {
            if (!config.flows().containsKey(routed)) {
                problems.add("flow " + routed + ": a route file defines it but there is no sync.flows." + routed
                        + " configuration block");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Syncline cannot start:\n  " + String.join("\n  ", problems));
        }
        LOG.infof("%d flows checked: %s", config.flows().size(), String.join(", ", new TreeSet<>(config.flows().keySet())));
    }

    /** A salesforce flow needs its sObject and external id field, and the org's credentials. */
    static List<String> salesforceProblems(SyncConfig config, String flowId) {
        List<String> problems = new ArrayList<>();
        SyncConfig.SalesforceObject target = config.flow(flowId).target().salesforce();
        String prefix = "flow " + flowId + ": sync.flows." + flowId + ".target.kind=salesforce needs ";
        if (target.sobject().filter(s -> !s.isBlank()).isEmpty()) {
            problems.add(prefix + "sync.flows." + flowId + ".target.salesforce.sobject");
        }
        if (target.externalIdField().filter(s -> !s.isBlank()).isEmpty()) {
            problems.add(prefix + "sync.flows." + flowId + ".target.salesforce.external-id-field");
        }
        if (target.mapping().isEmpty()) {
            problems.add(prefix + "at least one sync.flows." + flowId + ".target.salesforce.mapping.<sObject field>");
        }
        for (String missing : SalesforceOrg.missingCredentials(config.salesforce())) {
            problems.add(prefix + missing + " (sync.salesforce.auth=" + config.salesforce().auth().name().replace('_', '-') + ")");
        }
        return problems;
    }
}
