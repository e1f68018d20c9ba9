import { test, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { hydrated, openSection, signIn, signedIn } from "./helpers";

// Automated WCAG 2.1 A and AA checks (axe-core) on every page of the shell.
async function expectNoViolations(page: Page) {
  // A lazily loaded page sets its title once its part has hydrated.
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(summary).toEqual([]);
}

test("page de connexion, avec une erreur affichée", async ({ page }) => {
  await page.goto("/connexion");
  await hydrated(page);
  await expectNoViolations(page);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expectNoViolations(page);
});

test("Mes usagers et la fiche d'un usager", async ({ page }) => {
  await signIn(page, "educateur");
  await expect(page.getByTestId("usager-list")).toBeVisible();
  await expectNoViolations(page);
  await page.getByRole("link", { name: /Lucas MOREAU/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Lucas MOREAU" })).toBeVisible();
  await expect(page.getByTestId("apercu")).toBeVisible();
  await expectNoViolations(page);
  // Every section the éducateur reads, one after the other.
  for (const label of ["Identité et administratif", "Projet personnalisé", "Transmissions", "Agenda", "Documents", "Soins"]) {
    await hydrated(page);
    await openSection(page, label);
    await expect(page.locator(".record-section").first()).toBeVisible();
    await expectNoViolations(page);
  }
});

test("la tournée de soins et la section médicale", async ({ page }) => {
  await signedIn(page, "infirmier");
  await page.goto("/tournee?equipe=matin");
  await hydrated(page);
  await expect(page.getByTestId("tournee-titre")).toBeVisible();
  await expectNoViolations(page);
  await page.getByRole("link", { name: /Margaux BENOÎT/ }).first().click();
  await page.waitForURL(/\/soins$/);
  await hydrated(page);
  await openSection(page, "Médical");
  await expect(page.getByTestId("medical")).toBeVisible();
  await expectNoViolations(page);
});

test("la distribution des médicaments, la vue du jour et le tableau des prises", async ({ page }) => {
  await signedIn(page, "infirmier");
  await page.goto("/distribution?moment=soir");
  await hydrated(page);
  await expect(page.getByTestId("distribution-titre")).toBeVisible();
  await expectNoViolations(page);
  await page.goto("/distribution/jour");
  await hydrated(page);
  await expect(page.getByTestId("distributions-jour")).toBeVisible();
  await expectNoViolations(page);
  await page.goto("/distribution?moment=soir");
  await hydrated(page);
  await page.getByTestId("distribution-personne").first().getByRole("heading").getByRole("link").click();
  await page.waitForURL(/\/soins$/);
  await hydrated(page);
  await expect(page.getByTestId("tableau-prises")).toBeVisible();
  await expect(page.getByTestId("liaison")).toBeVisible();
  // The wide tables scroll in their own region: the page never scrolls sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await page.getByText("Modifier la fiche de liaison").click();
  await expectNoViolations(page);
  // The prescription page, with a drug searched and the si-besoin fields open.
  await page.getByTestId("nouvelle-prescription").click();
  await page.waitForURL(/\/soins\/prescription$/);
  await hydrated(page);
  await page.getByLabel("Médicament : nom ou substance").fill("parac");
  await expect(page.getByTestId("medicaments-trouves")).toBeVisible();
  await page.getByLabel("Si besoin").check();
  await expect(page.getByLabel("Indication")).toBeVisible();
  await expectNoViolations(page);
});

test("accès refusé avec le formulaire de bris de glace, traçabilité et examen", async ({ page }) => {
  await signedIn(page, "educateur");
  const href = await page.getByRole("link", { name: /Lucas MOREAU/ }).getAttribute("href");
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.waitForURL(/\/connexion/);
  // The sign-out has reached the server: nobody is shown as signed in.
  await expect(page.getByTestId("user-name")).toHaveCount(0);
  await expect(page.getByLabel("Identifiant")).toBeVisible();
  await signedIn(page, "aide.soignant");
  await page.goto(href!);
  await expect(page.getByRole("heading", { name: "Accès refusé" })).toBeVisible();
  await expectNoViolations(page);
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.waitForURL(/\/connexion/);
  // The sign-out has reached the server: nobody is shown as signed in.
  await expect(page.getByTestId("user-name")).toHaveCount(0);
  await expect(page.getByLabel("Identifiant")).toBeVisible();
  await signedIn(page, "directeur");
  await page.goto("/tracabilite");
  await expect(page.getByRole("heading", { name: "Traçabilité des accès" })).toBeVisible();
  await expectNoViolations(page);
  await page.goto("/bris-de-glace");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectNoViolations(page);
});

test("page d'administration des droits", async ({ page }) => {
  await signedIn(page, "admin");
  await page.goto("/administration/droits");
  await expect(page.getByRole("heading", { name: "Droits d’accès par profession" })).toBeVisible();
  await expectNoViolations(page);
  // The shipped matrix keeps the médical section closed to éducateurs.
  await expect(page.locator("#educateur-medical")).toHaveValue("aucun");
  await expect(page.locator("#medecin-medical")).toHaveValue("ecriture");
});

test("référentiel des médicaments, avec une recherche", async ({ page }) => {
  await signedIn(page, "admin");
  await page.goto("/administration/medicaments");
  await hydrated(page);
  await expect(page.getByTestId("bdpm-etat")).toBeVisible();
  await page.getByLabel("Nom ou substance").fill("parac");
  await expect(page.getByTestId("bdpm-trouves")).toContainText("DOLIPRANE");
  await expectNoViolations(page);
});

test("les cibles tactiles font au moins 44 pixels", async ({ page }) => {
  await signIn(page, "educateur");
  await expect(page.getByTestId("usager-list")).toBeVisible();
  const small = await page.locator("a, button, input").evaluateAll((els) =>
    els
      .filter((e) => (e as HTMLElement).offsetParent !== null && !e.classList.contains("skip-link"))
      .map((e) => ({ text: (e.textContent || e.getAttribute("aria-label") || e.id).trim(), box: e.getBoundingClientRect() }))
      .filter(({ box }) => box.height < 44)
      .map(({ text, box }) => `${text} (${Math.round(box.height)} px)`),
  );
  expect(small).toEqual([]);
});

test.describe("sans JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("la connexion fonctionne et la liste s'affiche", async ({ page }) => {
    await page.goto("/connexion");
    await page.getByLabel("Identifiant").fill("educateur");
    await page.getByLabel("Mot de passe").fill("parcours-demo");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await expect(page).toHaveURL(/\/usagers$/);
    await expect(page.getByTestId("usager-list").getByText("Lucas MOREAU")).toBeVisible();
    await page.getByRole("link", { name: /Lucas MOREAU/ }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Lucas MOREAU" })).toBeVisible();
  });
});

test("projet personnalisé : indicateurs, éditeur avec ses formulaires ouverts, trame", async ({ page }) => {
  await signedIn(page, "chef.service");
  await hydrated(page);
  await expect(page.getByTestId("indicateurs")).toBeVisible();
  await page.getByText(/Voir les échéances/).click();
  await expectNoViolations(page);
  await page.locator(".deadline-en_retard a").first().click();
  await hydrated(page);
  await expect(page.getByTestId("projet-statut")).toBeVisible();
  // Another viewport may have opened the avenant already.
  const avenant = page.getByRole("button", { name: "Créer un avenant" });
  if (await avenant.isVisible()) await avenant.click();
  await expect(page.getByTestId("valider")).toBeVisible();
  for (const summary of await page.locator("details > summary").all()) {
    await summary.click();
  }
  await expectNoViolations(page);
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.waitForURL(/\/connexion/);
  await expect(page.getByTestId("user-name")).toHaveCount(0);
  await expect(page.getByLabel("Identifiant")).toBeVisible();
  await signedIn(page, "admin");
  await page.goto("/administration/trame");
  await expect(page.getByTestId("trame-section").first()).toBeVisible();
  await expectNoViolations(page);
});
