package io.edgespot.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class ReportTest {

    @Test
    void jsonHasTheDocumentedKeysInMillisecondsAndScenarioFields() {
        RunStats stats = new RunStats();
        stats.recordResponse(200, 1_500_000, 1_000_000);
        stats.recordResponse(503, 2_000_000, 1_000_000);
        stats.recordError(ErrorKind.TIMEOUT);
        stats.addBytes(42);
        stats.latency().sample();
        String json = Report.builder("http", "http://127.0.0.1:1/\"q\"", 2.0, stats)
            .put("hitRatio", 0.5).put("list", List.of(1L, 2L)).build().toJson();
        assertThat(json).isEqualTo("{\"scenario\":\"http\",\"url\":\"http://127.0.0.1:1/\\\"q\\\"\","
            + "\"durationSeconds\":2.0,\"requests\":3,\"throughput\":1.0,"
            + "\"p50\":1.5,\"p90\":2.0,\"p99\":2.0,\"p999\":2.0,\"max\":2.0,\"mean\":1.75,"
            + "\"status\":{\"2xx\":1,\"3xx\":0,\"4xx\":0,\"5xx\":1},"
            + "\"errors\":{\"connect\":0,\"timeout\":1,\"other\":0},\"bytesRead\":42,"
            + "\"hitRatio\":0.5,\"list\":[1,2]}");
    }

    @Test
    void jsonEscapesControlCharactersAndWritesNonFiniteAsNull() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\nb\t\u0001");
        m.put("nan", Double.NaN);
        m.put("flag", true);
        assertThat(JsonWriter.write(m)).isEqualTo("{\"s\":\"a\\nb\\t\\u0001\",\"nan\":null,\"flag\":true}");
    }

    @Test
    void tableListsEveryField() {
        RunStats stats = new RunStats();
        stats.latency().sample();
        String table = Report.builder("http", "http://127.0.0.1:1/", 1.0, stats)
            .put("nested", Map.of("a", Map.of("b", 1L))).build().toTable();
        assertThat(table).contains("scenario", "throughput", "p999", "status", "2xx 0", "errors",
            "connect 0", "nested.a");
    }
}
