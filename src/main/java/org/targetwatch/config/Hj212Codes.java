package org.targetwatch.config;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The HJ 212 pollutant code table ({@code config/hj212.json}): which indicator a code's values are, and the unit
 * the standard sends it in when a station does not say otherwise. Loaded once at start and checked against the
 * indicator catalog: an unknown indicator, an unknown unit or a unit that does not convert to the indicator's
 * stops the start, naming the code.
 */
public final class Hj212Codes {
    /**
     * One code.
     *
     * @param unit       the unit values come in by default (the standard's default for the code)
     * @param provenance where the default unit was taken from, and how sure it is
     */
    public record Code(String code, Indicator indicator, String unit, String provenance) {}

    private final Map<String, Code> byCode;

    private Hj212Codes(Map<String, Code> byCode) {
        this.byCode = Collections.unmodifiableMap(byCode);
    }

    public Optional<Code> find(String code) {
        return Optional.ofNullable(byCode.get(code));
    }

    public Map<String, Code> all() {
        return byCode;
    }

    /** Reads and checks the table; any defect throws {@link InvalidConfigException} naming the code. */
    public static Hj212Codes load(Path file, IndicatorCatalog catalog) {
        String key = "hj212File";
        JsonObject root = ConfigSchemas.read(key, file, "hj212.json", "the HJ 212 code table");
        JsonObject codes = root.getJsonObject("codes");
        Map<String, Code> out = new LinkedHashMap<>();
        for (String code : codes.fieldNames()) {
            JsonObject o = codes.getJsonObject(code);
            String where = file + " codes." + code;
            Indicator indicator = catalog.find(o.getString("indicator"))
                    .orElseThrow(() -> new InvalidConfigException(
                            key, where + ": indicator '" + o.getString("indicator") + "' is not in the catalog"));
            String unit = o.getString("unit");
            try {
                Units.factor(unit, indicator.unit());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(key, where + ": " + e.getMessage());
            }
            out.put(code, new Code(code, indicator, unit, o.getString("provenance")));
        }
        return new Hj212Codes(out);
    }

    /**
     * A value sent as text in {@code unit}, in the unit of {@code code}'s indicator: the decimal text is multiplied
     * exactly, then rounded to the nearest double once.
     *
     * @throws NumberFormatException    if the text is no decimal number
     * @throws IllegalArgumentException if the unit does not convert to the indicator's
     */
    public static double convert(String text, String unit, Indicator indicator) {
        BigDecimal factor = Units.factor(unit, indicator.unit());
        return new BigDecimal(text).multiply(factor).doubleValue();
    }
}
