package io.factorytwin.simulation.agent;

import io.factorytwin.simulation.design.ReferenceHalls;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.ModelLoader;
import io.factorytwin.simulation.v1.ModelSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * Test double of {@link ModelLoader} for the agent job tests: every source loads one row of the
 * reference hall (16 GB200 NVL72 racks on 3 CDUs, Leesburg weather), so episodes take milliseconds.
 * A test profile enables it.
 */
@Alternative
@ApplicationScoped
public class SmallHallLoader extends ModelLoader {

  public SmallHallLoader() {
    super(null, null);
  }

  @Override
  public FacilityModel load(String field, ModelSource source) {
    return ReferenceHalls.hallOfRacks(
        Integer.getInteger("agent.test.racks", 16),
        ReferenceHalls.virginia(),
        new FacilityModel.PowerSource("PJM", 0));
  }
}
