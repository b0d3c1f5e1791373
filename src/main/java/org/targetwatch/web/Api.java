package org.targetwatch.web;

import static org.targetwatch.web.Access.ADMIN;
import static org.targetwatch.web.Access.OFFICER;
import static org.targetwatch.web.Access.RISK_OFFICE;
import static org.targetwatch.web.Access.SUPERVISOR;
import static org.targetwatch.web.Access.roles;
import static org.targetwatch.web.Http.reply;
import static org.targetwatch.web.Http.yearParam;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import org.targetwatch.review.Compliance;

/**
 * The route table: every path of the API with the roles that may call it, and the handler class of its resource.
 * Paths are matched in this order (so {@code /alerts/stream} comes before {@code /alerts/:id}). Below
 * {@code /api/v1/} every request is authenticated first, and a POST or PUT body is checked for its type and size
 * before it is read.
 */
final class Api {

    /** The handlers of every resource. */
    record Handlers(
            Access access,
            HealthHandler health,
            Handler<RoutingContext> metrics,
            RulesHandler rules,
            SubjectsHandler subjects,
            AirHandler air,
            Compliance compliance,
            TargetsHandler targets,
            ReportsHandler reports,
            ReadingsHandler readings,
            AlertsHandler alerts,
            Handler<RoutingContext> alertStream,
            SilencesHandler silences,
            TokensHandler tokens,
            RuleHitsHandler ruleHits,
            RulesetsHandler rulesets,
            JobsHandler jobs,
            Hj212Handler hj212,
            ImportsHandler imports,
            ReceiversHandler receivers,
            AuditHandler audit,
            long maxBodyBytes) {}

    /** The API's description, {@code src/main/resources/openapi.yaml}, served as it is. */
    private static final String OPENAPI = openapi();

    private Api() {}

    private static String openapi() {
        try (java.io.InputStream in = Api.class.getResourceAsStream("/openapi.yaml")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("openapi.yaml is missing from the class path", e);
        }
    }

    static void routes(Router router, Handlers h) {
        String[] readers = {OFFICER, RISK_OFFICE, SUPERVISOR};
        String[] riskOffices = {RISK_OFFICE, SUPERVISOR};

        router.get("/health/live").handler(h.health()::live);
        router.get("/health/ready").handler(h.health()::ready);
        router.get("/metrics").handler(h.metrics());

        // an import's body is streamed to disk by its handler: held back until then, never buffered
        router.post(BodyTypes.IMPORTS_PATH).handler(ImportsHandler::pause);
        router.route("/api/v1/*").method(HttpMethod.POST).method(HttpMethod.PUT).handler(BodyTypes::check);
        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(h.maxBodyBytes());
        router.route("/api/v1/*").method(HttpMethod.POST).method(HttpMethod.PUT).handler(ctx -> {
            if (ctx.request().path().equals(BodyTypes.IMPORTS_PATH)) {
                ctx.next();
            } else {
                bodies.handle(ctx);
            }
        });
        router.get("/api/v1/openapi.yaml")
                .handler(ctx -> ctx.response()
                        .putHeader("Content-Type", "application/yaml; charset=utf-8")
                        .end(OPENAPI));
        router.route("/api/v1/*").handler(h.access()::authenticate);
        router.route("/api/v1/*").handler(h.audit()::record);

        // any role
        router.get("/api/v1/whoami").handler(h.tokens()::whoAmI);
        router.get("/api/v1/indicators").handler(h.rules()::listIndicators);
        router.get("/api/v1/rules").handler(h.rules()::listRules);
        router.get("/api/v1/subjects").handler(h.subjects()::listSubjects);
        router.get("/api/v1/subjects/:id").handler(h.subjects()::getSubject);
        router.get("/api/v1/subject-kinds").handler(h.subjects()::listKinds);

        router.post("/api/v1/subjects").handler(roles(ADMIN)).handler(h.subjects()::createSubjects);
        router.put("/api/v1/subjects/:id").handler(roles(ADMIN)).handler(h.subjects()::updateSubject);

        router.get("/api/v1/air/daily").handler(roles(readers)).handler(h.air()::airDaily);
        router.get("/api/v1/air/summary").handler(roles(readers)).handler(h.air()::airSummary);
        router.get("/api/v1/air/days").handler(roles(readers)).handler(h.air()::airDays);
        router.get("/api/v1/compliance")
                .handler(roles(readers))
                .handler(ctx -> reply(ctx, h.compliance().overview(yearParam(ctx))));
        router.get("/api/v1/targets").handler(roles(readers)).handler(h.targets()::list);
        router.get("/api/v1/reports/monthly")
                .handler(roles(RISK_OFFICE, SUPERVISOR))
                .handler(h.reports()::monthly);
        router.get("/api/v1/reports/quarterly")
                .handler(roles(RISK_OFFICE, SUPERVISOR))
                .handler(h.reports()::quarterly);
        router.get("/api/v1/reports/annual")
                .handler(roles(RISK_OFFICE, SUPERVISOR))
                .handler(h.reports()::annual);

        router.post("/api/v1/readings").handler(roles(OFFICER)).handler(h.readings()::postReadings);
        router.get("/api/v1/readings").handler(roles(readers)).handler(h.readings()::listReadings);
        router.post("/api/v1/hj212").handler(roles(OFFICER)).handler(h.hj212()::post);
        router.post("/api/v1/imports").handler(roles(OFFICER)).handler(h.imports()::post);
        router.get("/api/v1/imports").handler(roles(OFFICER, SUPERVISOR)).handler(h.imports()::list);
        router.get("/api/v1/imports/:id").handler(roles(OFFICER, SUPERVISOR)).handler(h.imports()::get);
        router.get("/api/v1/imports/:id/errors")
                .handler(roles(OFFICER, SUPERVISOR))
                .handler(h.imports()::errors);

        router.get("/api/v1/alerts").handler(roles(riskOffices)).handler(h.alerts()::listAlerts);
        router.get("/api/v1/alerts/stream").handler(roles(riskOffices)).handler(h.alertStream());
        router.get("/api/v1/alerts/groups").handler(roles(riskOffices)).handler(h.alerts()::alertGroups);
        router.get("/api/v1/people").handler(roles(riskOffices)).handler(h.tokens()::people);
        router.get("/api/v1/alerts/:id").handler(roles(riskOffices)).handler(h.alerts()::getAlert);
        router.get("/api/v1/alerts/:id/history").handler(roles(riskOffices)).handler(h.alerts()::alertHistory);
        router.get("/api/v1/alerts/:id/deliveries").handler(roles(riskOffices)).handler(h.alerts()::alertDeliveries);
        router.post("/api/v1/alerts/:id/approve-resolve")
                .handler(roles(SUPERVISOR))
                .handler(ctx -> h.alerts().alertAction(ctx, "approve-resolve"));
        for (String action : List.of("ack", "assign", "resolve", "comment")) {
            router.post("/api/v1/alerts/:id/" + action)
                    .handler(roles(riskOffices))
                    .handler(ctx -> h.alerts().alertAction(ctx, action));
        }
        router.post("/api/v1/alerts/:id/annotate")
                .handler(roles(SUPERVISOR))
                .handler(ctx -> h.ruleHits().annotate(ctx, "alert"));

        router.post("/api/v1/silences").handler(roles(SUPERVISOR)).handler(h.silences()::createSilence);
        router.post("/api/v1/silences/preview").handler(roles(SUPERVISOR)).handler(h.silences()::previewSilence);
        router.get("/api/v1/silences").handler(roles(riskOffices)).handler(h.silences()::listSilences);
        router.post("/api/v1/silences/:id/expire").handler(roles(SUPERVISOR)).handler(h.silences()::expireSilence);

        router.get("/api/v1/receivers")
                .handler(roles(RISK_OFFICE, SUPERVISOR, ADMIN))
                .handler(h.receivers()::list);
        router.post("/api/v1/receivers/:id/retry")
                .handler(roles(SUPERVISOR, ADMIN))
                .handler(h.receivers()::retry);

        router.get("/api/v1/audit").handler(roles(ADMIN)).handler(h.audit()::list);

        router.get("/api/v1/tokens").handler(roles(ADMIN)).handler(h.tokens()::listTokens);
        router.post("/api/v1/tokens").handler(roles(ADMIN)).handler(h.tokens()::createToken);
        router.delete("/api/v1/tokens/:id").handler(roles(ADMIN)).handler(h.tokens()::revokeToken);

        router.get("/api/v1/rule-hits").handler(roles(SUPERVISOR)).handler(h.ruleHits()::listHits);
        router.get("/api/v1/rule-hits/counts").handler(roles(SUPERVISOR)).handler(h.ruleHits()::counts);
        router.get("/api/v1/rule-hits/:id").handler(roles(SUPERVISOR)).handler(h.ruleHits()::getHit);
        router.post("/api/v1/rule-hits/:id/annotate")
                .handler(roles(SUPERVISOR))
                .handler(ctx -> h.ruleHits().annotate(ctx, "rule-hit"));

        router.get("/api/v1/rulesets").handler(roles(SUPERVISOR, ADMIN)).handler(h.rulesets()::listRulesets);
        router.get("/api/v1/rulesets/:a/diff/:b")
                .handler(roles(SUPERVISOR, ADMIN))
                .handler(h.rulesets()::diff);
        router.post("/api/v1/rulesets/reload").handler(roles(ADMIN)).handler(h.rulesets()::reload);
        router.post("/api/v1/rulesets/backtest").handler(roles(SUPERVISOR)).handler(h.rulesets()::backtest);
        router.put("/api/v1/rulesets/staged").handler(roles(ADMIN)).handler(h.rulesets()::stage);
        router.get("/api/v1/rulesets/staged").handler(roles(SUPERVISOR, ADMIN)).handler(h.rulesets()::getStaged);
        router.delete("/api/v1/rulesets/staged").handler(roles(ADMIN)).handler(h.rulesets()::unstage);
        router.get("/api/v1/jobs/:id").handler(roles(SUPERVISOR)).handler(h.jobs()::job);
    }
}
