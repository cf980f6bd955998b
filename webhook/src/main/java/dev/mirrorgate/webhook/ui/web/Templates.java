package dev.mirrorgate.webhook.ui.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import io.vertx.core.buffer.Buffer;

/**
 * The UI's jte templates ({@code src/main/jte}), compiled to Java by the build: nothing is parsed
 * at run time, and every {@code ${…}} is escaped for its HTML context.
 */
public final class Templates {
  static final String PACKAGE = "dev.mirrorgate.webhook.ui.templates";

  private final TemplateEngine engine =
      TemplateEngine.createPrecompiled(
          null, ContentType.Html, Templates.class.getClassLoader(), PACKAGE);

  /** Renders {@code template} ({@code overview.jte}) with its one parameter. */
  public Buffer render(String template, Object model) {
    Utf8ByteOutput out = new Utf8ByteOutput();
    engine.render(template, model, out);
    return Buffer.buffer(out.toByteArray());
  }
}
