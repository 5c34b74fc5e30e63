package io.factorytwin.lifecycle.mapping;

import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.PortSpec;
import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PartRevision;
import io.factorytwin.lifecycle.model.PortDomain;
import io.factorytwin.lifecycle.service.PartInfo;
import io.factorytwin.lifecycle.service.PartSpecs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;

/** Decodes the stored spec and ports of a part revision into what the design rules use. */
@ApplicationScoped
public class ProtoPartSpecs implements PartSpecs {

  @Override
  public PartInfo describe(EquipmentClass equipmentClass, PartRevision revision) {
    EquipmentSpec spec =
        revision.spec == null
            ? EquipmentSpec.getDefaultInstance()
            : PartMapper.decodeSpec(revision.spec);
    Map<String, PartInfo.Port> ports = new HashMap<>();
    for (PortSpec port : PartMapper.decodeRevision(revision.ports).getPortsList()) {
      PortDomain domain = DesignMapper.domain(port.getDomain());
      if (domain == null) {
        // A port without a valid domain cannot be stored; skip it rather than fail every check.
        continue;
      }
      ports.put(
          port.getId(),
          new PartInfo.Port(
              port.getId(),
              domain,
              port.hasMaxConnections() ? port.getMaxConnections() : 1,
              DesignMapper.powerPath(port.getPowerPath())));
    }
    Double coolingCapacityKw =
        spec.hasCoolingCapacityKw()
            ? Double.valueOf(spec.getCoolingCapacityKw())
            : spec.hasChiller() ? Double.valueOf(spec.getChiller().getReferenceCapacityKw()) : null;
    return new PartInfo(
        new PartRef(revision.partId, revision.revisionNumber),
        equipmentClass,
        revision.state,
        spec.hasRatedPowerKw() ? spec.getRatedPowerKw() : null,
        spec.hasDesignPowerKw() ? spec.getDesignPowerKw() : null,
        coolingCapacityKw,
        spec.hasHeatToLiquidFraction() ? spec.getHeatToLiquidFraction() : null,
        Map.copyOf(ports));
  }
}
