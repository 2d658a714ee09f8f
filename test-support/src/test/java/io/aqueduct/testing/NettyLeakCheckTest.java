package io.aqueduct.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

class NettyLeakCheckTest {

    @Test
    void aClassThatLeaksABufferFails() {
        EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(LeakyFixture.class))
                .execute()
                .containerEvents()
                .assertThatEvents()
                .haveExactly(1, event(container(LeakyFixture.class),
                        finishedWithFailure(message(m -> m.contains("leaked")))));
    }

    @Test
    void aClassThatReleasesItsBuffersPasses() {
        EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(TidyFixture.class))
                .execute()
                .allEvents()
                .assertStatistics(stats -> stats.failed(0).succeeded(3));
    }
}
