package io.factorytwin.simulation.agent;

import io.factorytwin.simulation.v1.ListPoliciesResponse;
import io.factorytwin.simulation.v1.ListPolicyVersionsResponse;
import io.factorytwin.simulation.v1.Policy;
import io.factorytwin.simulation.v1.PolicyVersion;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policy calls of SimulationService: GetPolicy, ListPolicies, GetPolicyVersion and
 * ListPolicyVersions, with the contract's name, page size and page token checks.
 *
 * <p>NOTE: filters are not supported yet; a non-empty filter is rejected with INVALID_ARGUMENT.
 * ListPolicies sorts by {@code name} or {@code name desc} only.
 */
@ApplicationScoped
public class Policies {

  static final Pattern POLICY_NAME = Pattern.compile("policies/([a-z][a-z0-9-]{0,62})");
  static final Pattern VERSION_NAME =
      Pattern.compile("policies/([a-z][a-z0-9-]{0,62})/versions/([1-9][0-9]{0,8})");

  private static final int DEFAULT_PAGE_SIZE = 50;
  private static final int MAX_PAGE_SIZE = 1000;

  private final PolicyStore store;

  Policies(PolicyStore store) {
    this.store = store;
  }

  /** Returns the policy; NOT_FOUND when there is none. */
  public Policy get(String name) {
    Matcher m = match(POLICY_NAME, name, "name", "policies/{policy}");
    Policy policy = store.policy(m.group(1));
    if (policy == null) {
      throw new NotFoundException(name);
    }
    return policy;
  }

  /** Returns the version; NOT_FOUND when there is none. */
  public PolicyVersion version(String name) {
    return stored(name, "name").version();
  }

  /**
   * Returns the stored version named in a request field.
   *
   * @throws InvalidArgumentException on the field when the name is malformed
   * @throws NotFoundException when no such version is stored
   */
  public PolicyStore.StoredVersion stored(String name, String field) {
    Matcher m = match(VERSION_NAME, name, field, "policies/{policy}/versions/{version}");
    PolicyStore.StoredVersion version = store.version(m.group(1), Integer.parseInt(m.group(2)));
    if (version == null) {
      throw new NotFoundException(name);
    }
    return version;
  }

  /** Returns one page of policies ordered by name. */
  public ListPoliciesResponse list(int pageSize, String pageToken, String filter, String orderBy) {
    int size = pageSize(pageSize);
    noFilter(filter);
    String order = normalized(orderBy);
    boolean descending;
    if (order.isEmpty() || order.equals("name")) {
      descending = false;
    } else if (order.equals("name desc")) {
      descending = true;
    } else {
      throw new InvalidArgumentException(
          "order_by", "only 'name' and 'name desc' are supported yet; got '" + orderBy + "'");
    }
    String context = "policies|" + order;
    String after = null;
    if (!pageToken.isEmpty()) {
      String[] parts = token(pageToken, context);
      if (parts.length != 1) {
        throw invalidToken();
      }
      after = parts[0];
    }
    List<Policy> rows = store.policies(after, descending, size + 1);
    ListPoliciesResponse.Builder response = ListPoliciesResponse.newBuilder();
    List<Policy> page = rows.size() > size ? rows.subList(0, size) : rows;
    response.addAllPolicies(page);
    if (rows.size() > size) {
      String lastId = page.getLast().getName().substring("policies/".length());
      response.setNextPageToken(encode(context, lastId));
    }
    return response.build();
  }

  /** Returns one page of versions, newest first unless {@code order_by} is {@code create_time}. */
  public ListPolicyVersionsResponse listVersions(
      String parent, int pageSize, String pageToken, String filter, String orderBy) {
    String policyId;
    if (parent.equals("policies/-")) {
      policyId = null;
    } else {
      policyId = match(POLICY_NAME, parent, "parent", "policies/{policy} or policies/-").group(1);
    }
    int size = pageSize(pageSize);
    noFilter(filter);
    String order = normalized(orderBy);
    boolean descending;
    if (order.isEmpty() || order.equals("create_time desc")) {
      descending = true;
    } else if (order.equals("create_time")) {
      descending = false;
    } else {
      throw new InvalidArgumentException(
          "order_by",
          "only 'create_time' and 'create_time desc' are supported; got '" + orderBy + "'");
    }
    String context = "versions|" + parent + "|" + descending;
    PolicyStore.VersionKey after = null;
    if (!pageToken.isEmpty()) {
      String[] parts = token(pageToken, context);
      if (parts.length != 3) {
        throw invalidToken();
      }
      try {
        after =
            new PolicyStore.VersionKey(
                Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS),
                parts[1],
                Integer.parseInt(parts[2]));
      } catch (NumberFormatException e) {
        throw invalidToken();
      }
    }
    List<PolicyStore.StoredVersion> rows = store.versions(policyId, after, descending, size + 1);
    List<PolicyStore.StoredVersion> page = rows.size() > size ? rows.subList(0, size) : rows;
    ListPolicyVersionsResponse.Builder response = ListPolicyVersionsResponse.newBuilder();
    page.forEach(v -> response.addPolicyVersions(v.version()));
    if (rows.size() > size) {
      PolicyStore.StoredVersion last = page.getLast();
      com.google.protobuf.Timestamp created = last.version().getCreateTime();
      long micros = created.getSeconds() * 1_000_000L + created.getNanos() / 1000;
      response.setNextPageToken(
          encode(context, micros + "|" + last.policyId() + "|" + last.versionId()));
    }
    return response.build();
  }

  private static Matcher match(Pattern pattern, String value, String field, String form) {
    Matcher m = pattern.matcher(value);
    if (!m.matches()) {
      throw new InvalidArgumentException(
          field,
          "must be "
              + form
              + " with ids of lower-case letters, digits and hyphens; got '"
              + value
              + "'");
    }
    return m;
  }

  private static int pageSize(int pageSize) {
    if (pageSize < 0) {
      throw new InvalidArgumentException("page_size", "must not be negative; got " + pageSize);
    }
    return pageSize == 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
  }

  private static void noFilter(String filter) {
    if (!filter.isBlank()) {
      throw new InvalidArgumentException(
          "filter", "filters are not supported yet; send an empty filter; got '" + filter + "'");
    }
  }

  private static String normalized(String orderBy) {
    return orderBy.trim().replaceAll("\\s+", " ");
  }

  private static String encode(String context, String position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((context + "#" + position).getBytes(StandardCharsets.UTF_8));
  }

  /** Returns the position fields of a token made for the same request, or rejects it. */
  private static String[] token(String pageToken, String context) {
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalidToken();
    }
    if (!text.startsWith(context + "#")) {
      throw invalidToken();
    }
    return text.substring(context.length() + 1).split("\\|", -1);
  }

  private static InvalidArgumentException invalidToken() {
    return new InvalidArgumentException(
        "page_token",
        "is not a token this call returned for the same parent, filter and order_by; start"
            + " again with an empty page_token");
  }
}
