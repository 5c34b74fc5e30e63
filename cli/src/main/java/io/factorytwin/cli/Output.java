package io.factorytwin.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;

/** Prints responses as tables or as the proto3 JSON mapping. */
final class Output {

  private Output() {}

  /** Prints a response as proto3 JSON, with fields at their default values left out. */
  static void json(PrintWriter out, MessageOrBuilder message) {
    try {
      out.println(JsonFormat.printer().print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new CliException("cannot print the response as JSON: " + e.getMessage());
    }
    out.flush();
  }

  /**
   * Prints one page of a List call: the whole response as JSON, or a table with one row per item
   * followed by the option that fetches the next page, if there is one.
   */
  static <T> void page(
      Connection.OutputFormat format,
      PrintWriter out,
      MessageOrBuilder response,
      List<String> header,
      List<T> items,
      Function<T, List<String>> row,
      String nextPageToken) {
    if (format == Connection.OutputFormat.json) {
      json(out, response);
      return;
    }
    table(out, header, items.stream().map(row).toList());
    if (!nextPageToken.isEmpty()) {
      out.println("next page: --page-token " + nextPageToken);
      out.flush();
    }
  }

  /** Prints one resource as JSON, or as a table of one row. */
  static void resource(
      Connection.OutputFormat format,
      PrintWriter out,
      MessageOrBuilder resource,
      List<String> header,
      List<String> row) {
    if (format == Connection.OutputFormat.json) {
      json(out, resource);
      return;
    }
    table(out, header, List.of(row));
  }

  /** Formats a value as it was entered: 41.0 as 41, 0.50 as 0.5, without exponent. */
  static String number(double value) {
    if (!Double.isFinite(value)) {
      return Double.toString(value);
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  /** Formats a timestamp in RFC 3339, or "-" when it is unset. */
  static String time(boolean set, Timestamp timestamp) {
    return set ? Timestamps.toString(timestamp) : "-";
  }

  /** Prints rows under a header, each column as wide as its widest cell. */
  static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int column = 0; column < widths.length; column++) {
      widths[column] = header.get(column).length();
      for (List<String> row : rows) {
        widths[column] = Math.max(widths[column], row.get(column).length());
      }
    }
    printRow(out, header, widths);
    for (List<String> row : rows) {
      printRow(out, row, widths);
    }
    out.flush();
  }

  private static void printRow(PrintWriter out, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int column = 0; column < cells.size(); column++) {
      String cell = cells.get(column);
      line.append(cell);
      if (column < cells.size() - 1) {
        line.append(" ".repeat(widths[column] - cell.length() + 2));
      }
    }
    out.println(line.toString().stripTrailing());
  }
}
