package org.targetwatch.ingest;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.targetwatch.facts.Reading;
import org.targetwatch.facts.Subject;
import org.targetwatch.ingest.IngestService.Outcome;
import org.targetwatch.ingest.IngestService.Request;
import org.targetwatch.ingest.IngestService.Result;

/** The answer stage of a group commit: each request's share of what its transaction stored and changed. */
final class Outcomes {
    private Outcomes() {}

    /**
     * Each accepted request's share of a transaction: the readings stored for its subjects, and the changed alerts
     * about its subjects, their districts or regions; an alert about none of them goes to every request.
     */
    static void split(
            List<Request> requests,
            Outcome[] outcomes,
            List<Reading> stored,
            List<JsonObject> changed,
            Map<String, Integer> requestOf,
            Map<String, Subject> known) {
        int n = requests.size();
        int[] storedOf = new int[n];
        int[] correctionsOf = new int[n];
        for (Reading r : stored) {
            int i = requestOf.get(r.subject());
            storedOf[i]++;
            if (r.revision() > 1) {
                correctionsOf[i]++;
            }
        }
        Map<String, Set<Integer>> concerned = new java.util.HashMap<>();
        requestOf.forEach((subject, i) -> {
            Subject s = known.get(subject);
            for (String scope : java.util.Arrays.asList(subject, s.district(), s.region())) {
                if (scope != null) {
                    concerned
                            .computeIfAbsent(scope, k -> new java.util.TreeSet<>())
                            .add(i);
                }
            }
        });
        List<List<JsonObject>> alertsOf = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            alertsOf.add(new ArrayList<>());
        }
        for (JsonObject a : changed) {
            Set<Integer> to = concerned.get(a.getString("subject"));
            if (to == null) {
                for (int i = 0; i < n; i++) {
                    if (outcomes[i] == null) {
                        alertsOf.get(i).add(a);
                    }
                }
            } else {
                to.forEach(i -> alertsOf.get(i).add(a));
            }
        }
        for (int i = 0; i < n; i++) {
            if (outcomes[i] == null) {
                outcomes[i] = new Outcome(
                        new Result(requests.get(i).batch().items(), storedOf[i], correctionsOf[i], alertsOf.get(i)),
                        null);
            }
        }
    }

    /** The subjects of which the transaction stored corrections (revisions above 1). */
    static Set<String> correctedSubjects(List<Reading> stored) {
        Set<String> out = new java.util.HashSet<>();
        for (Reading r : stored) {
            if (r.revision() > 1) {
                out.add(r.subject());
            }
        }
        return out;
    }
}
