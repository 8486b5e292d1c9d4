package io.keyhook.server.browser;

import io.keyhook.server.Api;
import io.keyhook.server.KeyhookAppTest;
import io.keyhook.server.Receiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real browser: Debian's chromium, headless, driven through its own chromedriver
 * (nothing is downloaded). Screenshots land in {@code target/screenshots}.
 */
class ConsoleBrowserTest extends KeyhookAppTest {

    private static final Path SCREENSHOTS = Path.of("target/screenshots");

    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void openBrowser() throws IOException {
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private WebElement visible(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private void signUp(String organization) {
        browser.get("http://localhost:" + port + "/#/signup");
        visible(By.name("organization")).sendKeys(organization);
        browser.findElement(By.name("email")).sendKeys(Api.uniqueEmail("browser"));
        browser.findElement(By.name("password")).sendKeys("correct horse battery");
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who-org"), organization));
    }

    private String token() {
        return (String) ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return sessionStorage.getItem('keyhook.token')");
    }

    @Test
    void signUpCreateAReadOnlyKeyUseItAndRevokeIt() throws IOException {
        signUp("Browser Hardware");
        assertThat(browser.findElement(By.id("who-role")).getText()).isEqualTo("admin");
        visible(By.name("name")).sendKeys("Bolt M6");
        browser.findElement(By.cssSelector("form[aria-label='Create item'] button")).click();
        visible(By.cssSelector("tr[data-item='Bolt M6']")).findElement(By.xpath(".//button[text()='Edit']")).click();
        WebElement name = visible(By.cssSelector("form[aria-label='Edit Bolt M6'] input[name=name]"));
        name.clear();
        name.sendKeys("Bolt M8");
        browser.findElement(By.cssSelector("form[aria-label='Edit Bolt M6'] button[type=submit]")).click();
        visible(By.cssSelector("tr[data-item='Bolt M8']"));
        screenshot("01-items");

        browser.findElement(By.cssSelector("[data-nav=keys]")).click();
        visible(By.cssSelector("form[aria-label='Create API key'] input[name=name]")).sendKeys("spreadsheet");
        assertThat(new Select(browser.findElement(By.name("preset"))).getFirstSelectedOption().getText())
                .isEqualTo("Read-only");
        browser.findElement(By.cssSelector("form[aria-label='Create API key'] button[type=submit]")).click();
        String key = visible(By.id("new-key")).getText();
        assertThat(key).matches("kh_live_[0-9A-Za-z]{46}");
        assertThat(browser.findElement(By.cssSelector("dialog .warning")).getText()).contains("only this once");
        screenshot("02-key-shown-once");
        String console = browser.getWindowHandle();
        browser.findElement(By.xpath("//dialog//button[text()='Use in API browser']")).click();
        wait.until(ExpectedConditions.numberOfWindowsToBe(2));
        browser.getWindowHandles().stream().filter(handle -> !handle.equals(console)).findFirst()
                .ifPresent(handle -> browser.switchTo().window(handle));
        wait.until(driver -> String.valueOf(((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "return window.ui ? JSON.stringify(window.ui.authSelectors.authorized()) : ''")).contains(key));
        screenshot("02b-api-browser-authorized");
        browser.close();
        browser.switchTo().window(console);
        browser.findElement(By.xpath("//dialog//button[text()='Done']")).click();

        api.withKey(key).get("/api/v1/items").expectStatus().isOk()
                .expectBody().jsonPath("$.items[0].name").isEqualTo("Bolt M8");
        api.withKey(key).post("/api/v1/items", java.util.Map.of("name", "x", "quantity", 1)).expectStatus().isForbidden();

        visible(By.cssSelector("tr[data-key='spreadsheet']")).findElement(By.linkText("Usage")).click();
        wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("tr[data-outcome]"), 1));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("svg.chart rect.bar-denied")));
        assertThat(browser.findElements(By.cssSelector("tr[data-outcome='denied']"))).hasSize(1);
        screenshot("02c-key-usage");
        browser.findElement(By.linkText("← API keys")).click();

        WebElement row = visible(By.cssSelector("tr[data-key='spreadsheet']"));
        assertThat(row.findElement(By.cssSelector(".status")).getText()).isEqualTo("active");
        row.findElement(By.xpath(".//button[text()='Revoke']")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-key='spreadsheet'] .status"), "revoked"));
        api.withKey(key).get("/api/v1/items").expectStatus().isUnauthorized();
        screenshot("03-key-revoked");

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        visible(By.cssSelector("tr[data-key='spreadsheet']"));
        screenshot("04-phone-width");
    }

    @Test
    void theDeliveryTimelineFollowsDeliveriesLive() throws IOException {
        try (Receiver receiver = new Receiver()) {
            signUp("Timeline Tools");
            Api.Session session = new Api.Session(null, null, null, token());
            browser.findElement(By.cssSelector("[data-nav=webhooks]")).click();
            visible(By.name("url")).sendKeys(receiver.url("/console"));
            browser.findElement(By.cssSelector("input[name=eventType][value='item.created']")).click();
            browser.findElement(By.cssSelector("form[aria-label='Create webhook'] button[type=submit]")).click();
            assertThat(visible(By.id("new-secret")).getText()).startsWith("whsec_");
            screenshot("05-webhook-secret");
            browser.findElement(By.xpath("//dialog//button[text()='Done']")).click();
            visible(By.xpath("//tr[@data-webhook]//button[text()='Edit']")).click();
            visible(By.cssSelector("form[aria-label^='Edit webhook'] input[name=description]")).sendKeys("ERP");
            browser.findElement(By.cssSelector("form[aria-label^='Edit webhook'] button[type=submit]")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-webhook]"), "ERP"));
            visible(By.linkText("Timeline")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.muted [role=status]"), "live"));

            api.createItem(session, "Bolt", 10, 3);
            visible(By.cssSelector("tr[data-status='succeeded']"));
            assertThat(browser.findElements(By.cssSelector("svg.timeline circle.mark-ok"))).hasSize(1);

            receiver.answer("/console", 500);
            api.createItem(session, "Nut", 10, 3);
            visible(By.cssSelector("tr[data-status='retrying']"));
            screenshot("06-timeline-retrying");
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-status='succeeded']"), 2));
            assertThat(browser.findElements(By.cssSelector("svg.timeline circle.mark-bad"))).hasSize(1);
            assertThat(browser.findElements(By.cssSelector("svg.timeline circle.mark-ok"))).hasSize(2);
            browser.findElement(By.cssSelector("svg.timeline circle.mark-bad")).click();
            assertThat(browser.findElement(By.cssSelector(".attempt-details")).getText()).contains("500");
            screenshot("07-timeline-recovered");
        }
    }

    /**
     * Holds the answer to requests whose URL contains {@code held} until {@code window.releaseHeld()};
     * {@code window.heldRead} turns true once the page has read that answer's body. Requests to the
     * live stream are answered {@code 404} at once when {@code window.streamGone} is true.
     */
    private static final String FETCH_WRAPPER = """
            const original = window.fetch, held = arguments[0];
            let release;
            const gate = new Promise(resolve => { release = resolve; });
            window.releaseHeld = () => release();
            window.heldRead = false;
            window.fetch = async (url, options) => {
                if (window.streamGone && String(url).endsWith('/deliveries/stream')) {
                    return new Response(JSON.stringify({ status: 404, title: 'Not Found' }),
                        { status: 404, headers: { 'Content-Type': 'application/problem+json' } });
                }
                const response = await original(url, options);
                if (!String(url).includes(held)) return response;
                const body = await response.text();
                await gate;
                const answer = new Response(body, { status: response.status, headers: response.headers });
                const text = answer.text.bind(answer);
                answer.text = async () => { const read = await text(); window.heldRead = true; return read; };
                return answer;
            };
            """;

    private org.openqa.selenium.JavascriptExecutor js() {
        return (org.openqa.selenium.JavascriptExecutor) browser;
    }

    @Test
    void aSlowAnswerForAPageLeftBehindNeverReplacesThePageAskedForLater() throws IOException {
        signUp("Race Supplies");
        visible(By.cssSelector("form[aria-label='Create item']"));
        js().executeScript(FETCH_WRAPPER, "/webhooks/event-types");

        browser.findElement(By.cssSelector("[data-nav=webhooks]")).click();
        browser.findElement(By.cssSelector("[data-nav=items]")).click();
        visible(By.cssSelector("form[aria-label='Create item']"));
        js().executeScript("window.releaseHeld()");
        wait.until(driver -> Boolean.TRUE.equals(js().executeScript("return window.heldRead")));
        // What the page does with the answer it read runs before the next task of the event loop.
        js().executeAsyncScript("setTimeout(arguments[arguments.length - 1], 0)");

        assertThat(browser.findElements(By.cssSelector("form[aria-label='Create item']"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector("form[aria-label='Create webhook']"))).isEmpty();
        screenshot("08-no-stale-page");
    }

    @Test
    void theLiveTimelineStopsWhenItsSubscriptionIsGoneInsteadOfReconnectingForever() {
        try (Receiver receiver = new Receiver()) {
            signUp("Gone Gadgets");
            Api.Session session = new Api.Session(null, null, null, token());
            String subscriptionId = api.post(session, "/api/v1/webhooks", java.util.Map.of("url",
                            receiver.url("/gone"), "eventTypes", java.util.List.of("item.created")))
                    .expectStatus().isCreated().expectBody(com.fasterxml.jackson.databind.JsonNode.class)
                    .returnResult().getResponseBody().get("id").asText();
            js().executeScript(FETCH_WRAPPER + "window.streamGone = true;", "nothing is held");

            js().executeScript("location.hash = arguments[0]", "#/webhooks/" + subscriptionId);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.muted [role=status]"),
                    "stopped: this subscription no longer exists"));
        }
    }
}
