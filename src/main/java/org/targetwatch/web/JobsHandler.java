package org.targetwatch.web;

import io.vertx.ext.web.RoutingContext;

/** Jobs: one job's state, from any instance. */
final class JobsHandler {
    private final org.targetwatch.review.Jobs jobs;

    JobsHandler(org.targetwatch.review.Jobs jobs) {
        this.jobs = jobs;
    }

    void job(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Http.reply(
                ctx,
                jobs.get(id)
                        .map(found -> found.orElseThrow(() -> new NotFoundException(
                                "id", "no job " + id + " (finished jobs are kept for 30 days)"))));
    }
}
