import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "parcours-demo";
export const BASE_URL = process.env.PARCOURS_BASE_URL ?? "http://127.0.0.1:3000";

/** Waits until the page is hydrated (the app sets data-hydrated on <body>). */
export async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Signs in through the login page, as a person would. */
export async function signIn(page: Page, login: string, password = DEMO_PASSWORD) {
  await page.goto("/connexion");
  await hydrated(page);
  await page.getByLabel("Identifiant").fill(login);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
}

/** Signs in and waits until the person has landed on their home page. */
export async function signedIn(page: Page, login: string) {
  await signIn(page, login);
  await page.waitForURL((url) => !url.pathname.startsWith("/connexion"));
  await expect(page.getByTestId("user-name")).toBeVisible();
}

/** Opens a section of the record from its navigation (the record opens on
 * its overview) and waits for the section's address. */
export async function openSection(page: Page, label: string) {
  await page.getByTestId("sections").getByRole("link", { name: label, exact: true }).click();
  await page.waitForURL(/\/usagers\/[0-9a-f-]+\/[a-z]+/);
}
