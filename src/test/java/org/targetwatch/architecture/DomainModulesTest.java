package org.targetwatch.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.targetwatch.config.IndicatorCatalog;
import org.targetwatch.domain.Domain;
import org.targetwatch.domain.DomainModule;

/** The registered domain modules, found by the service loader, in the order that is also their lock order. */
class DomainModulesTest {

    @Test
    void theFiveDomainsDeriveAirFirstAndWaterSecond() {
        var domains = DomainModule.all(
                new DomainModule.Services(null, null, IndicatorCatalog.load(Path.of("config/indicators.json"))));
        assertThat(domains).extracting(Domain::name).containsExactly("air", "water", "targets", "safety", "debt");
    }
}
