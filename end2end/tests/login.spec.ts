import { test, expect } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

test("un éducateur se connecte et voit exactement les usagers de son unité", async ({ page }) => {
  await signIn(page, "educateur");
  await expect(page).toHaveURL(/\/usagers$/);
  await expect(page.getByRole("heading", { name: "Mes usagers" })).toBeVisible();
  await expect(page.getByTestId("user-name")).toHaveText("Camille Martin");

  // Maison Hortensia accompanies these seven people today (demo data).
  const names = page.getByTestId("usager-list").locator(".usager-name");
  await expect(names).toHaveText([
    "Nathan BRUNET",
    "Emma FOURNIER",
    "Chloé GAUTHIER",
    "Hugo LEMOINE",
    "Léa MARCHAND",
    "Lucas MOREAU",
    "Théo PERROT",
  ]);
  await expect(page.getByText("7 usagers")).toBeVisible();
});

test("un mauvais mot de passe affiche une erreur en français", async ({ page }) => {
  await signIn(page, "moniteur.educateur", "pas-le-bon");
  await expect(page.getByRole("alert")).toHaveText("Identifiant ou mot de passe incorrect.");
  await expect(page).toHaveURL(/\/connexion/);
});

test("des champs vides sont signalés en français", async ({ page }) => {
  await page.goto("/connexion");
  await hydrated(page);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page.getByRole("alert")).toHaveText("Saisissez votre identifiant.");
});

test("la recherche filtre par nom, sans tenir compte des accents", async ({ page }) => {
  await signIn(page, "aide.soignant");
  await expect(page.getByRole("heading", { name: "Mes usagers" })).toBeVisible();
  const search = page.getByRole("searchbox", { name: "Rechercher un usager par son nom" });
  await search.fill("helene");
  await expect(page.getByTestId("usager-list").locator(".usager-name")).toHaveText(["Hélène LEFÈVRE-DUBOIS"]);
  await expect(page.getByText("1 sur 6")).toBeVisible();
});

test("la fiche d'un usager s'ouvre depuis la liste, puis la déconnexion ramène à la connexion", async ({ page }) => {
  await signIn(page, "educateur");
  await page.getByRole("link", { name: /Lucas MOREAU/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Lucas MOREAU" })).toBeVisible();
  await expect(page.locator(".record-head")).toContainText("ESAT Les Ateliers du Bocage");
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await expect(page).toHaveURL(/\/connexion/);
  await page.goto("/usagers");
  await expect(page).toHaveURL(/\/connexion\?expiree=1/);
});

test("sans session, les pages protégées renvoient à la connexion", async ({ page }) => {
  await page.goto("/usagers");
  await expect(page).toHaveURL(/\/connexion/);
  await expect(page.getByRole("heading", { name: "Parcours" })).toBeVisible();
});

test("une tablette laissée sans activité revient à la connexion", async ({ page }) => {
  await page.clock.install();
  await signIn(page, "educateur");
  await expect(page.getByRole("heading", { name: "Mes usagers" })).toBeVisible();
  // The idle watch starts with the header's badge.
  await expect(page.getByTestId("user-name")).toBeVisible();
  await page.clock.fastForward("16:00");
  await expect(page).toHaveURL(/\/connexion\?expiree=1/);
  await expect(page.getByRole("status").filter({ hasText: "expiré" })).toHaveText("Votre session a expiré. Veuillez vous reconnecter.");
  await expect(page.getByText("Lucas MOREAU")).toHaveCount(0);
});
