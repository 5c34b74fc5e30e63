package io.factorytwin.simulation.agent;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The threads that run the episodes of agent jobs. Episodes are independent, so a search runs them
 * side by side. Every agent job of this instance shares the pool, so two jobs do not double the
 * threads.
 */
@ApplicationScoped
public class AgentThreads {

  private final ExecutorService executor;

  AgentThreads(@ConfigProperty(name = "simulation.agent.threads") int configured) {
    int count = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    executor =
        Executors.newFixedThreadPool(
            count, Thread.ofPlatform().name("agent-episode-", 0).daemon().factory());
  }

  ExecutorService executor() {
    return executor;
  }

  void stop(@Observes ShutdownEvent event) {
    executor.shutdownNow();
  }
}
