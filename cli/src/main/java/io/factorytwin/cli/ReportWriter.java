package io.factorytwin.cli;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a report as two files: {@code summary.json} with the figures, and {@code report.html}, one
 * self-contained page (inline CSS, inline script, no network access) whose charts a small script
 * draws as SVG from the same figures.
 *
 * <p>The summary's sections are read by key: {@code stages}, {@code alternatives}, {@code agent},
 * {@code closedLoop}; a section that is missing is left out of the page. Each chart names the
 * section it belongs to.
 */
public final class ReportWriter {

  private static final List<String[]> SECTIONS =
      List.of(
          new String[] {"alternatives", "Design alternatives over a year"},
          new String[] {"agent", "Liquid-cooling agent against the baseline"},
          new String[] {"closedLoop", "Closed loop: emulated plant, agent, control, twin"});

  private ReportWriter() {}

  /** Writes summary.json and report.html into the folder, creating it when needed. */
  public static void write(Path folder, JsonObject summary, JsonArray charts) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("summary.json"), pretty(summary) + "\n");
    Files.writeString(folder.resolve("report.html"), html(summary, charts));
  }

  static String html(JsonObject summary, JsonArray charts) {
    StringBuilder page = new StringBuilder(64 * 1024);
    page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>Factory Twin report</title>\n<style>\n")
        .append(resource("report/report.css"))
        .append("</style>\n</head>\n<body>\n<h1>Factory Twin report</h1>\n");
    page.append("<p class=\"meta\">Generated ")
        .append(escape(summary.getString("generated", "")))
        .append(". Figures: <code>summary.json</code> beside this page.</p>\n");
    if (summary.containsKey("stages")) {
      page.append("<h2>Stages</h2>\n<table><tr><th>stage</th><th>seconds</th></tr>\n");
      for (JsonValue stage : summary.getJsonArray("stages")) {
        JsonObject s = stage.asJsonObject();
        page.append("<tr><td>")
            .append(escape(s.getString("name", "")))
            .append("</td><td class=\"num\">")
            .append(s.containsKey("seconds") ? s.get("seconds").toString() : "")
            .append("</td></tr>\n");
      }
      page.append("</table>\n");
    }
    for (String[] section : SECTIONS) {
      if (!summary.containsKey(section[0])) {
        continue;
      }
      page.append("<section id=\"").append(section[0]).append("\">\n<h2>");
      page.append(escape(section[1])).append("</h2>\n");
      JsonValue value = summary.get(section[0]);
      page.append(table(value));
      for (JsonValue chart : charts) {
        JsonObject c = chart.asJsonObject();
        if (section[0].equals(c.getString("section", ""))) {
          page.append("<figure class=\"chart\" data-chart=\"")
              .append(escape(c.getString("id")))
              .append("\"><figcaption>")
              .append(escape(c.getString("title", "")))
              .append("</figcaption></figure>\n");
        }
      }
      page.append("</section>\n");
    }
    JsonObject data = Json.createObjectBuilder().add("charts", charts).build();
    // "</" inside the JSON would end the script element early; the escape keeps it data.
    page.append("<script type=\"application/json\" id=\"report-data\">")
        .append(data.toString().replace("</", "<\\/"))
        .append("</script>\n<script>\n")
        .append(resource("report/report.js"))
        .append("</script>\n</body>\n</html>\n");
    return page.toString();
  }

  /** Renders a section's figures: objects as key-value tables, arrays of objects as tables. */
  private static String table(JsonValue value) {
    StringBuilder out = new StringBuilder();
    if (value.getValueType() == JsonValue.ValueType.ARRAY) {
      JsonArray rows = value.asJsonArray();
      if (rows.isEmpty() || rows.get(0).getValueType() != JsonValue.ValueType.OBJECT) {
        return "";
      }
      out.append("<table><tr>");
      for (String key : rows.get(0).asJsonObject().keySet()) {
        out.append("<th>").append(escape(key)).append("</th>");
      }
      out.append("</tr>\n");
      for (JsonValue row : rows) {
        out.append("<tr>");
        for (Map.Entry<String, JsonValue> cell : row.asJsonObject().entrySet()) {
          out.append(cell(cell.getValue()));
        }
        out.append("</tr>\n");
      }
      return out.append("</table>\n").toString();
    }
    if (value.getValueType() != JsonValue.ValueType.OBJECT) {
      return "";
    }
    out.append("<table>\n");
    StringBuilder nested = new StringBuilder();
    for (Map.Entry<String, JsonValue> entry : value.asJsonObject().entrySet()) {
      JsonValue.ValueType type = entry.getValue().getValueType();
      if (type == JsonValue.ValueType.OBJECT || type == JsonValue.ValueType.ARRAY) {
        String inner = table(entry.getValue());
        if (!inner.isEmpty()) {
          nested.append("<h3>").append(escape(entry.getKey())).append("</h3>\n").append(inner);
        }
        continue;
      }
      out.append("<tr><th>")
          .append(escape(entry.getKey()))
          .append("</th>")
          .append(cell(entry.getValue()))
          .append("</tr>\n");
    }
    return out.append("</table>\n").append(nested).toString();
  }

  private static String cell(JsonValue value) {
    return switch (value.getValueType()) {
      case NUMBER -> "<td class=\"num\">" + value + "</td>";
      case STRING -> "<td>" + escape(((jakarta.json.JsonString) value).getString()) + "</td>";
      case OBJECT, ARRAY -> "<td>" + escape(value.toString()) + "</td>";
      default -> "<td>" + value + "</td>";
    };
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String pretty(JsonObject object) {
    JsonWriterFactory factory =
        Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));
    StringWriter text = new StringWriter();
    try (JsonWriter writer = factory.createWriter(text)) {
      writer.writeObject(object);
    }
    return text.toString().strip();
  }

  private static String resource(String path) {
    try (InputStream in = ReportWriter.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
