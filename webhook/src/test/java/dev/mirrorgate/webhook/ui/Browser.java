package dev.mirrorgate.webhook.ui;

import dev.mirrorgate.common.testing.Prerequisites;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven by Debian's chromedriver, headless, started as this machine needs it (no
 * sandbox as root, no background networking: the machine has no other network). Screenshots go to
 * {@code target/screenshots/}, and to {@code docs/} with {@code -Dui.screenshots.docs=true}.
 */
public final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private final Path profile;
  private final ChromeDriver driver;

  private Browser(Path profile, ChromeDriver driver) {
    this.profile = profile;
    this.driver = driver;
  }

  /** Starts a browser, or skips the test (fails on CI) when Chromium is not installed. */
  public static Browser start() throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      String message = "no " + CHROMIUM + " / " + CHROMEDRIVER + ": run bash .ci/install-deps";
      Prerequisites.missing("Browser", null, message, null);
    }
    Path profile = Files.createTempDirectory("mirrorgate-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--user-data-dir=" + profile);
    options.setAcceptInsecureCerts(true); // the UI serves the controller's own certificate
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(60))
            .build();
    return new Browser(profile, new ChromeDriver(service, options));
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Saves a screenshot of the page as {@code ui-NAME.png}. */
  public void screenshot(String name) throws IOException {
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Path target = Path.of("target", "screenshots");
    Files.createDirectories(target);
    Files.write(target.resolve("ui-" + name + ".png"), png);
    if (Boolean.getBoolean("ui.screenshots.docs")) {
      Files.write(Path.of("..", "docs", "ui-" + name + ".png"), png);
    }
  }

  @Override
  public void close() throws IOException {
    driver.quit();
    try (var paths = Files.walk(profile)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
