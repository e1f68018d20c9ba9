import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "parcours-demo";

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
