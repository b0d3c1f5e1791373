package org.targetwatch.domain;

import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.targetwatch.config.IndicatorCatalog;
import org.targetwatch.store.ReadingStore;
import org.targetwatch.store.SubjectStore;

/**
 * The entry of a domain module: registered in {@code META-INF/services/org.targetwatch.domain.DomainModule}, it
 * builds the module's {@link Domain} from the shared stores. Adding a domain is adding a module with such an entry;
 * nothing outside the module names it.
 */
public interface DomainModule {

    /** What a module's domain is built from. */
    record Services(SubjectStore subjects, ReadingStore readings, IndicatorCatalog catalog) {}

    /**
     * Where the domain derives in a transaction, lower first. It is also the order of the locks it takes beyond
     * the readings' subjects: domains that lock districts (air, 10) come before those that lock regions (water,
     * 20); domains that take no such locks use 30 and above.
     */
    int order();

    /** The module's domain. */
    Domain create(Services services);

    /** Every registered module's domain, in {@link #order()} (ties by class name). */
    static List<Domain> all(Services services) {
        return ServiceLoader.load(DomainModule.class).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparingInt(DomainModule::order)
                        .thenComparing(m -> m.getClass().getName()))
                .map(m -> m.create(services))
                .toList();
    }
}
