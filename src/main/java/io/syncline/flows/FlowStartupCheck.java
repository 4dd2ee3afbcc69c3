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

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.StartupEvent;
import io.syncline.config.FlowFolders;
import io.syncline.config.SyncConfig;
import io.syncline.freshness.ExpectedHours;
import io.syncline.security.WebhookSignature;
import io.syncline.targets.salesforce.SalesforceOrg;
import io.syncline.validation.FlowSchemas;

/**
 * Refuses to start a Syncline whose flows do not add up, naming the flow and the key: every configured flow has a
 * schema that names its key and source timestamp, a route.yaml that defines it, and what its target needs; every
 * flow a route file defines is configured. (An unknown mode or target kind is refused by the configuration itself.)
 */
@ApplicationScoped
public class FlowStartupCheck {

    private static final Logger LOG = Logger.getLogger(FlowStartupCheck.class);

    void check(@Observes StartupEvent event, SyncConfig config, FlowSchemas schemas, CamelContext camel, ObjectMapper json) {
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
            List<String> notASchema = schemas.folder(flowId).map(folder -> notASchema(json, folder)).orElse(List.of());
            notASchema.forEach(problem -> problems.add("flow " + flowId + ": " + problem));
            try {
                if (notASchema.isEmpty()) {
                    schemas.forFlow(flowId);
                }
            } catch (IllegalStateException e) {
                problems.add("flow " + flowId + ": " + e.getMessage());
            }
            if (!routedFlows.contains(flowId)) {
                problems.add("flow " + flowId + ": configured under sync.flows." + flowId + " but no route.yaml of a flow"
                        + " folder (flows/" + flowId + "/) defines an intake for sync.flows." + flowId + ".mode=" + flow.mode());
            }
            problems.addAll(settingsProblems(config, flowId));
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
                problems.add("flow " + routed + ": a route.yaml defines it but there is no sync.flows." + routed
                        + " configuration (a flow.properties in flows/" + routed + "/)");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Syncline cannot start:\n  " + String.join("\n  ", problems));
        }
        LOG.infof("%d flows checked: %s", config.flows().size(), String.join(", ", new TreeSet<>(config.flows().keySet())));
    }

    /**
     * What makes a schema.json of {@code sync.flows-dir} no JSON Schema 2020-12, as a reload of it would say (the
     * built-in flows' are checked by the build, FlowCheckTest).
     */
    static List<String> notASchema(ObjectMapper json, FlowFolders.Folder folder) {
        if (folder.builtIn()) {
            return List.of();
        }
        java.nio.file.Path schema = folder.dir().orElseThrow().resolve(FlowFolders.SCHEMA);
        if (!java.nio.file.Files.isRegularFile(schema)) {
            return List.of(); // forFlow names the missing file
        }
        return FlowCheck.schemaProblems(json, schema, schema.toString());
    }

    /**
     * What is wrong with the flow's settings as Syncline reads them (its folder's, and what application.properties
     * and the environment set over them), each line starting {@code flow <id>: }: its target, its expected hours, its
     * alarm share, its assessment answers. Asked at start-up and by a reload of the flow's flow.properties.
     */
    static List<String> settingsProblems(SyncConfig config, String flowId) {
        List<String> problems = new ArrayList<>();
        SyncConfig.Flow flow = config.flow(flowId);
        if (flow.target().kind() == SyncConfig.TargetKind.salesforce) {
            problems.addAll(salesforceProblems(config, flowId));
        } else {
            targetProblems(flowId, flow.target()).forEach(problem -> problems.add("flow " + flowId + ": " + problem));
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
        try {
            io.syncline.assessment.Answers.of(flowId, flow, List.of());
        } catch (IllegalStateException e) {
            problems.add("flow " + flowId + ": " + e.getMessage());
        }
        return problems;
    }

    /**
     * What the flow's own settings lack for its target: an http target its url and its credentials, a salesforce one
     * its sObject, external id field and mapping. The offline check asks the same.
     */
    public static List<String> targetProblems(String flowId, SyncConfig.Target target) {
        List<String> problems = new ArrayList<>();
        String key = "sync.flows." + flowId + ".target.";
        if (target.kind() == SyncConfig.TargetKind.http) {
            if (target.url().isEmpty()) {
                problems.add(key + "kind=http needs " + key + "url");
            }
            String authMissing = io.syncline.targets.HttpTargetAuth.missing(flowId, target.auth());
            if (authMissing != null) {
                problems.add(key + "auth.kind=" + target.auth().kind().name().replace('_', '-') + " needs " + authMissing);
            }
        }
        if (target.kind() == SyncConfig.TargetKind.salesforce) {
            String prefix = key + "kind=salesforce needs ";
            if (target.salesforce().sobject().filter(s -> !s.isBlank()).isEmpty()) {
                problems.add(prefix + key + "salesforce.sobject");
            }
            if (target.salesforce().externalIdField().filter(s -> !s.isBlank()).isEmpty()) {
                problems.add(prefix + key + "salesforce.external-id-field");
            }
            if (target.salesforce().mapping().isEmpty()) {
                problems.add(prefix + "at least one " + key + "salesforce.mapping.<sObject field>");
            }
        }
        return problems;
    }

    /** A salesforce flow needs its sObject, external id field and mapping, and the org's credentials. */
    static List<String> salesforceProblems(SyncConfig config, String flowId) {
        List<String> problems = new ArrayList<>();
        targetProblems(flowId, config.flow(flowId).target()).forEach(problem -> problems.add("flow " + flowId + ": " + problem));
        String prefix = "flow " + flowId + ": sync.flows." + flowId + ".target.kind=salesforce needs ";
        for (String missing : SalesforceOrg.missingCredentials(config.salesforce())) {
            problems.add(prefix + missing + " (sync.salesforce.auth=" + config.salesforce().auth().name().replace('_', '-') + ")");
        }
        return problems;
    }
}
