package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.PortDomain;
import io.factorytwin.lifecycle.model.PowerPath;
import io.quarkus.hibernate.orm.panache.Panache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Pages of placements and connections, ordered by id with keyset tokens. The element tables have no
 * entities, so the filter and keyset conditions are written on SQL columns and run as native
 * queries. Both use only comparisons and named parameters, which PostgreSQL and H2 read alike.
 */
final class DesignElementPages {

  static final Map<String, FilterParser.Field> PLACEMENT_FILTER =
      Map.of(
          "container", FilterParser.Field.text("p.container"),
          "part_revision", FilterParser.Field.text("p.part_revision"),
          "id", FilterParser.Field.text("p.id"));

  static final Map<String, FilterParser.Field> CONNECTION_FILTER =
      Map.of(
          "source_placement",
          FilterParser.Field.text("p.source_placement"),
          "target_placement",
          FilterParser.Field.text("p.target_placement"),
          "domain",
          new FilterParser.Field(
              "p.domain", false, value -> enumName(value, "PORT_DOMAIN_", PortDomain.class)),
          "power_path",
          new FilterParser.Field(
              "p.power_path", false, value -> enumName(value, "POWER_PATH_", PowerPath.class)));

  /** The one order of both lists: by id, which is unique within a revision. */
  static final Map<String, List<Keyset.Key>> ORDERS =
      Map.of("id", List.of(new Keyset.Key("p.id", Keyset.KeyType.TEXT)));

  private DesignElementPages() {}

  static Page<PlacementElement> placements(long revisionId, ListRequest request) {
    Map<String, io.factorytwin.lifecycle.model.PartRef> refs = new HashMap<>();
    return page(
        "SELECT p.id, p.container, p.part_revision, p.display_name, p.x_m, p.y_m, p.z_m,"
            + " p.yaw_deg, p.labels FROM design_placement p",
        PLACEMENT_FILTER,
        revisionId,
        request,
        row ->
            new PlacementElement(
                (String) row[0],
                (String) row[1],
                refs.computeIfAbsent((String) row[2], DesignStore::partRef),
                (String) row[3],
                ((Number) row[4]).doubleValue(),
                ((Number) row[5]).doubleValue(),
                ((Number) row[6]).doubleValue(),
                ((Number) row[7]).doubleValue(),
                (byte[]) row[8]),
        PlacementElement::id);
  }

  static Page<ConnectionElement> connections(long revisionId, ListRequest request) {
    return page(
        "SELECT p.id, p.source_placement, p.source_port, p.target_placement, p.target_port,"
            + " p.domain, p.power_path FROM design_connection p",
        CONNECTION_FILTER,
        revisionId,
        request,
        row ->
            new ConnectionElement(
                (String) row[0],
                (String) row[1],
                (String) row[2],
                (String) row[3],
                (String) row[4],
                PortDomain.valueOf((String) row[5]),
                PowerPath.valueOf((String) row[6])),
        ConnectionElement::id);
  }

  private static <T> Page<T> page(
      String select,
      Map<String, FilterParser.Field> fields,
      long revisionId,
      ListRequest request,
      Function<Object[], T> read,
      Function<T, String> id) {
    int size = Keyset.pageSize(request.pageSize());
    String orderBy = request.orderBy().isBlank() ? "id" : request.orderBy();
    Keyset.Order order = Keyset.order(orderBy, ORDERS);
    FilterParser.Condition filter = FilterParser.parse(request.filter(), fields);
    List<Object> after = Keyset.decode(request.pageToken(), order, request.filter());

    Map<String, Object> parameters = new HashMap<>(filter.parameters());
    List<String> conditions = new ArrayList<>();
    conditions.add("p.revision_id = :revision");
    parameters.put("revision", revisionId);
    if (!filter.hql().isEmpty()) {
      conditions.add(filter.hql());
    }
    String keyset = Keyset.after(order, after, parameters);
    if (!keyset.isEmpty()) {
      conditions.add(keyset);
    }
    String sql = select + " WHERE " + String.join(" AND ", conditions) + " ORDER BY " + order.hql();
    var query = Panache.getEntityManager().createNativeQuery(sql, Object[].class);
    parameters.forEach(query::setParameter);
    @SuppressWarnings("unchecked")
    List<Object[]> rows = query.setMaxResults(size + 1).getResultList();

    boolean more = rows.size() > size;
    List<T> items = new ArrayList<>();
    for (Object[] row : more ? rows.subList(0, size) : rows) {
      items.add(read.apply(row));
    }
    String next =
        more ? Keyset.token(order, request.filter(), List.of(id.apply(items.getLast()))) : "";
    return new Page<>(items, next);
  }

  private static <E extends Enum<E>> Object enumName(String value, String prefix, Class<E> type) {
    if (!value.startsWith(prefix)) {
      return null;
    }
    try {
      return Enum.valueOf(type, value.substring(prefix.length())).name();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
