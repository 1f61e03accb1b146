package io.edgespot.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.proxy.config.EdgeConfig.Balancer;
import io.edgespot.proxy.config.EdgeConfig.Cluster;
import io.edgespot.proxy.config.EdgeConfig.Endpoint;
import io.edgespot.proxy.config.EdgeConfig.Outlier;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class ClusterStateTest {

    private static ClusterState cluster(Balancer balancer, int endpoints, Outlier outlier) {
        List<Endpoint> list = new java.util.ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            list.add(new Endpoint("10.0.0." + (i + 1), 8080));
        }
        Cluster c = new Cluster("app", list, Optional.empty(), balancer,
                balancer == Balancer.RING_HASH || balancer == Balancer.MAGLEV ? Optional.of("header:x-user")
                        : Optional.empty(),
                false, Duration.ofSeconds(1), Duration.ofSeconds(60), 2, 1, Optional.empty(), Optional.empty(),
                outlier);
        return new ClusterState("acme", c, null);
    }

    private static Outlier outlier(int fivexx) {
        return new Outlier(fivexx, 2, Duration.ofMinutes(1), Duration.ofMinutes(5));
    }

    private static HttpHeaders user(String id) {
        return new DefaultHttpHeaders().set("x-user", id);
    }

    @Test
    void roundRobinVisitsEveryEndpointInTurn() {
        ClusterState c = cluster(Balancer.ROUND_ROBIN, 3, outlier(5));
        Set<EndpointState> seen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            seen.add(c.pick(new DefaultHttpHeaders(), null));
        }
        assertThat(seen).hasSize(3);
    }

    @Test
    void leastRequestPrefersTheLessLoadedEndpoint() {
        ClusterState c = cluster(Balancer.LEAST_REQUEST, 2, outlier(5));
        EndpointState busy = c.endpoints().get(0);
        for (int i = 0; i < 10; i++) {
            busy.requestStarted();
        }
        int toIdle = 0;
        for (int i = 0; i < 200; i++) {
            toIdle += c.pick(new DefaultHttpHeaders(), null) == c.endpoints().get(1) ? 1 : 0;
        }
        // Two random choices among two endpoints differ half the time; then the idle one always wins.
        assertThat(toIdle).isGreaterThan(120);
    }

    @ParameterizedTest
    @EnumSource(value = Balancer.class, names = {"RING_HASH", "MAGLEV"})
    void hashingKeepsAffinityAndMovesOnlyTheEjectedEndpointsKeys(Balancer balancer) {
        ClusterState c = cluster(balancer, 4, outlier(1));
        Map<String, EndpointState> before = new HashMap<>();
        for (int u = 0; u < 400; u++) {
            EndpointState e = c.pick(user("u" + u), null);
            assertThat(c.pick(user("u" + u), null)).isSameAs(e);
            before.put("u" + u, e);
        }
        assertThat(new HashSet<>(before.values())).hasSize(4);
        EndpointState ejected = c.endpoints().get(2);
        c.onResponse(ejected, 503);
        for (Map.Entry<String, EndpointState> e : before.entrySet()) {
            EndpointState now = c.pick(user(e.getKey()), null);
            if (e.getValue() == ejected) {
                assertThat(now).isNotSameAs(ejected);
            } else {
                assertThat(now).as("key %s kept its endpoint", e.getKey()).isSameAs(e.getValue());
            }
        }
    }

    @Test
    void consecutive5xxEjectAndAllEjectedMeansPanicMode() {
        ClusterState c = cluster(Balancer.ROUND_ROBIN, 2, outlier(2));
        EndpointState a = c.endpoints().get(0);
        EndpointState b = c.endpoints().get(1);
        c.onResponse(a, 500);
        c.onResponse(a, 200);
        c.onResponse(a, 500);
        assertThat(a.ejected(System.nanoTime())).as("a success resets the count").isFalse();
        c.onResponse(a, 500);
        assertThat(a.ejected(System.nanoTime())).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(c.pick(new DefaultHttpHeaders(), null)).isSameAs(b);
        }
        c.onFailure(b);
        c.onFailure(b);
        assertThat(c.anyAvailable()).isFalse();
        Set<EndpointState> panic = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            panic.add(c.pick(new DefaultHttpHeaders(), null));
        }
        assertThat(panic).containsExactlyInAnyOrder(a, b);
    }

    @Test
    void connectionPendingAndRetryBoundsHold() {
        ClusterState c = cluster(Balancer.ROUND_ROBIN, 1, outlier(5));
        assertThat(c.tryReserveConnection()).isTrue();
        assertThat(c.tryReserveConnection()).isTrue();
        assertThat(c.tryReserveConnection()).isFalse();
        c.releaseConnection();
        assertThat(c.tryReserveConnection()).isTrue();
        assertThat(c.tryReservePending()).isTrue();
        assertThat(c.tryReservePending()).isFalse();
        for (int i = 0; i < 10; i++) {
            c.requestStarted();
        }
        assertThat(c.tryStartRetry(20)).isTrue();
        assertThat(c.tryStartRetry(20)).isTrue();
        assertThat(c.tryStartRetry(20)).isFalse();
    }
}
