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
 *
 * <p>The hourly oracle runs whole searches as single tasks, each lasting hundreds of episodes. On
 * the episode pool they would queue another job's single episodes behind them, and that job would
 * report no progress and miss a cancel for as long. So they get a pool of their own.
 */
@ApplicationScoped
public class AgentThreads {

  private final ExecutorService executor;
  private final ExecutorService searches;

  AgentThreads(@ConfigProperty(name = "simulation.agent.threads") int configured) {
    int count = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    executor =
        Executors.newFixedThreadPool(
            count, Thread.ofPlatform().name("agent-episode-", 0).daemon().factory());
    searches =
        Executors.newFixedThreadPool(
            count, Thread.ofPlatform().name("agent-search-", 0).daemon().factory());
  }

  /** Returns the pool for single episodes. */
  ExecutorService executor() {
    return executor;
  }

  /** Returns the pool for tasks that each run a whole search. */
  ExecutorService searchExecutor() {
    return searches;
  }

  void stop(@Observes ShutdownEvent event) {
    executor.shutdownNow();
    searches.shutdownNow();
  }
}
