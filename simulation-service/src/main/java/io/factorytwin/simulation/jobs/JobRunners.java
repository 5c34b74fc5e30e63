package io.factorytwin.simulation.jobs;

import io.factorytwin.simulation.v1.Job;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The {@link JobRunner} beans of this service, one per job kind. */
@ApplicationScoped
public class JobRunners {

  private final Map<Job.Kind, JobRunner> byKind = new EnumMap<>(Job.Kind.class);

  /**
   * Collects the runners. An {@code Instance<JobRunner>} would drop every plain runner as soon as
   * one enabled alternative exists (CDI ambiguity resolution), so the beans are read from the bean
   * manager and the alternative wins per kind only. Runner beans carry {@code @Unremovable} because
   * nothing injects them directly.
   */
  JobRunners(BeanManager beans) {
    Map<Job.Kind, Boolean> alternative = new EnumMap<>(Job.Kind.class);
    for (Bean<?> bean : beans.getBeans(JobRunner.class, Any.Literal.INSTANCE)) {
      JobRunner runner =
          (JobRunner)
              beans.getReference(bean, JobRunner.class, beans.createCreationalContext(bean));
      boolean isAlternative = bean.isAlternative();
      Job.Kind kind = runner.kind();
      Boolean existing = alternative.get(kind);
      if (existing != null && existing == isAlternative) {
        throw new IllegalStateException(
            "two job runners for "
                + kind
                + ": "
                + byKind.get(kind).getClass().getName()
                + " and "
                + runner.getClass().getName());
      }
      if (existing == null || isAlternative) {
        byKind.put(kind, runner);
        alternative.put(kind, isAlternative);
      }
    }
    Log.infof("job runners: %s", byKind.keySet());
  }

  /** Returns the runner of the kind, or empty when this server cannot run the kind. */
  public Optional<JobRunner> find(Job.Kind kind) {
    return Optional.ofNullable(byKind.get(kind));
  }
}
