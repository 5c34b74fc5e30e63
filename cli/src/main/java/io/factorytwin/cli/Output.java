package io.factorytwin.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.util.List;

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
