package io.factorytwin.lifecycle.service;

import io.quarkus.hibernate.orm.panache.Panache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** The page query that every keyset-paged List call of this service runs. */
final class KeysetQuery {

  /**
   * A list request checked against one entity's sort orders and filter fields.
   *
   * @param size rows per page
   * @param order the parsed order_by
   * @param filter the parsed filter as HQL with its parameters
   * @param after the sort-key values to continue after; empty for the first page
   * @param filterText the filter as sent, which the next page token is bound to
   */
  record Parsed(
      int size,
      Keyset.Order order,
      FilterParser.Condition filter,
      List<Object> after,
      String filterText) {}

  private KeysetQuery() {}

  /**
   * Checks page_size, order_by, filter and page_token, in that order, so a bad request fails with
   * INVALID_ARGUMENT before the caller looks up the parent.
   */
  static Parsed parse(
      ListRequest request,
      Map<String, List<Keyset.Key>> orders,
      Map<String, FilterParser.Field> filterFields) {
    int size = Keyset.pageSize(request.pageSize());
    Keyset.Order order = Keyset.order(request.orderBy(), orders);
    FilterParser.Condition filter = FilterParser.parse(request.filter(), filterFields);
    List<Object> after = Keyset.decode(request.pageToken(), order, request.filter());
    return new Parsed(size, order, filter, after, request.filter());
  }

  /**
   * Runs one page of the query.
   *
   * @param from the HQL entity and its alias, such as {@code Part p}
   * @param type the entity class
   * @param scope a condition that selects the parent's rows, such as {@code r.partId = :part}, or
   *     an empty string for every row
   * @param scopeParameters the parameters of the scope condition
   * @param sortValues the values of a row's sort keys for the parsed order, the unique key last
   */
  static <T> Page<T> page(
      Parsed parsed,
      String from,
      Class<T> type,
      String scope,
      Map<String, Object> scopeParameters,
      BiFunction<Keyset.Order, T, List<Object>> sortValues) {
    Map<String, Object> parameters = new HashMap<>(parsed.filter().parameters());
    parameters.putAll(scopeParameters);
    List<String> conditions = new ArrayList<>();
    if (!scope.isEmpty()) {
      conditions.add(scope);
    }
    if (!parsed.filter().hql().isEmpty()) {
      conditions.add(parsed.filter().hql());
    }
    String keyset = Keyset.after(parsed.order(), parsed.after(), parameters);
    if (!keyset.isEmpty()) {
      conditions.add(keyset);
    }
    String hql =
        "from "
            + from
            + (conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions))
            + " order by "
            + parsed.order().hql();

    var query = Panache.getEntityManager().createQuery(hql, type);
    parameters.forEach(query::setParameter);
    // One row more than the page tells whether another page follows.
    List<T> rows = query.setMaxResults(parsed.size() + 1).getResultList();

    boolean more = rows.size() > parsed.size();
    List<T> items = more ? rows.subList(0, parsed.size()) : rows;
    String next = "";
    if (more) {
      List<Object> values = sortValues.apply(parsed.order(), items.getLast());
      next = Keyset.token(parsed.order(), parsed.filterText(), values);
    }
    return new Page<>(List.copyOf(items), next);
  }
}
