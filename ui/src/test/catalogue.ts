import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "svelte/compiler";

/** ui/, where the tests run. */
const UI = process.cwd();

type Json = Record<string, unknown>;

/** Every area of the catalogue: `messages/<area>/<language>.json`, as project.inlang lists them. */
export function catalogue(): { area: string; language: string; messages: Json }[] {
  const settings = JSON.parse(readFileSync(join(UI, "project.inlang/settings.json"), "utf8")) as {
    locales: string[];
    "plugin.inlang.messageFormat": { pathPattern: string[] };
  };
  return settings["plugin.inlang.messageFormat"].pathPattern.flatMap((pattern) =>
    settings.locales.map((language) => {
      const path = join(UI, pattern.replace("{locale}", language));
      const messages = JSON.parse(readFileSync(path, "utf8")) as Json;
      delete messages.$schema;
      return { area: relative(join(UI, "messages"), join(path, "..")), language, messages };
    }),
  );
}

/**
 * The inputs a message takes: `{name}` placeholders of a simple message, the `input` declarations
 * of one with variants (plurals).
 */
export function inputsOf(message: unknown): string[] {
  if (typeof message === "string") {
    return [...new Set([...message.matchAll(/(?<!\\)\{([A-Za-z_][\w]*)\}/g)].map((match) => match[1] ?? ""))].sort();
  }
  const [variants] = message as [{ declarations?: string[] }];
  return (variants.declarations ?? [])
    .filter((declaration) => declaration.startsWith("input "))
    .map((declaration) => declaration.slice("input ".length).trim())
    .sort();
}

/** The sources whose words people read: every component, view and library module of the UI. */
export function uiSources(): string[] {
  const found: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!["bindings", "paraglide", "test"].includes(entry.name)) visit(path);
      } else if (/\.(svelte|ts)$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name)) {
        found.push(path);
      }
    }
  };
  visit(join(UI, "src"));
  return found.sort();
}

/** Attributes that hold words for people whatever they look like. */
const TEXT_ATTRIBUTES = new Set([
  "aria-label",
  "aria-description",
  "aria-roledescription",
  "aria-valuetext",
  "aria-placeholder",
  "title",
  "placeholder",
  "alt",
  "label",
]);

/** Attributes that never hold words for people. */
const CODE_ATTRIBUTES = /^(class|style|id|for|href|src|type|role|name|autocomplete|inputmode|data-.*|testid|buttonClass)$/;

/** Key names of KeyboardEvent.key, which look like words but are not shown. */
const KEY_NAMES = new Set(
  "Escape Enter Tab ArrowDown ArrowUp ArrowLeft ArrowRight Home End PageUp PageDown Backspace Delete Shift Control Meta Alt".split(" "),
);

/**
 * Names that read the same in every language Roster speaks (the product, file formats, the
 * systems Import reads from); anything else in a template is a message.
 */
export const SAME_IN_EVERY_LANGUAGE = new Set(["Roster", "R", "CSV", "Excel", "Keycloak", "Google Workspace", "Bitwarden"]);

/**
 * Text in a code string that reads as words for people: a capitalised word, or words with spaces.
 * CSS selectors and the like (brackets, `=`, `#`) are code.
 */
function looksLikeWords(text: string): boolean {
  const trimmed = text.trim();
  if (KEY_NAMES.has(trimmed) || SAME_IN_EVERY_LANGUAGE.has(trimmed) || /[[\]{}<>=#]/.test(trimmed)) return false;
  return /^\p{Lu}\p{Ll}/u.test(trimmed) || /\p{L}{2,}[,.:;!?…]*\s+\p{L}{2,}/u.test(trimmed);
}

interface Node {
  type: string;
  start?: number;
  [key: string]: unknown;
}

/** Calls whose string arguments name code, not words (commands, selectors, events, keys). */
const CODE_CALLS = /^(call|invoke|querySelector|querySelectorAll|closest|matches|getElementById|addEventListener|removeEventListener|listen|emit|setAttribute|getAttribute|removeAttribute|hasAttribute|startsWith|endsWith|includes|split|replace|replaceAll|test|exec|match|toLocaleString|getContext|setContext)$/;

function calleeName(node: Node): string {
  const callee = node.callee as Node;
  if (callee.type === "Identifier") return callee.name as string;
  if (callee.type === "MemberExpression") return ((callee.property as Node).name as string) ?? "";
  return "";
}

/**
 * Words for people written into `path` instead of taken from the catalogue, as `file:offset text`.
 * Reads template text, text attributes, and string literals of the code that look like words;
 * comparisons, object keys, imports, types and the arguments of code-naming calls are code.
 */
export function untranslated(path: string): string[] {
  const source = readFileSync(path, "utf8");
  const svelte = path.endsWith(".svelte");
  const ast = parse(svelte ? source : `<script lang="ts">${source}</script>`, { modern: true }) as unknown as Node;
  const shift = svelte ? 0 : '<script lang="ts">'.length;
  const name = relative(UI, path);
  const found: string[] = [];
  const report = (node: Node, text: string): void => {
    found.push(`${name}:${(node.start ?? 0) - shift} ${JSON.stringify(text.trim())}`);
  };

  const walk = (node: unknown, parent: Node | null): void => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const child of node) walk(child, parent);
      return;
    }
    const n = node as Node;
    if (typeof n.type !== "string") return;
    if (n.type.startsWith("TS") || n.type === "ImportDeclaration" || n.type === "StyleSheet") return;
    if (n.type === "ExportNamedDeclaration" || n.type === "ExportAllDeclaration") {
      walk(n.declaration, n);
      return;
    }
    if (n.type === "Text") {
      const text = (n.data as string).trim();
      if (parent?.type === "Fragment" && /\p{L}/u.test(text) && !SAME_IN_EVERY_LANGUAGE.has(text)) report(n, text);
      return;
    }
    if (n.type === "Attribute") {
      const attribute = n.name as string;
      const values = Array.isArray(n.value) ? (n.value as Node[]) : [];
      for (const value of values) {
        if (value.type !== "Text") continue;
        const text = value.data as string;
        if (TEXT_ATTRIBUTES.has(attribute) ? /\p{L}/u.test(text) : !CODE_ATTRIBUTES.test(attribute) && looksLikeWords(text)) {
          report(value, text);
        }
      }
      // `title={…}`, `onclick={() => …}`: the expression's strings are read like any code's.
      walk(Array.isArray(n.value) ? values.filter((value) => value.type !== "Text") : n.value, n);
      return;
    }
    if (n.type === "BinaryExpression" && ["===", "!==", "==", "!="].includes(n.operator as string)) return;
    if (n.type === "SwitchCase") {
      walk(n.consequent, n);
      return;
    }
    if (n.type === "Property" && !n.computed) {
      walk(n.value, n);
      return;
    }
    if (n.type === "MemberExpression") {
      walk(n.object, n);
      if (n.computed) walk(n.property, n);
      return;
    }
    if (n.type === "CallExpression" && CODE_CALLS.test(calleeName(n))) {
      walk(n.callee, n);
      return;
    }
    if (n.type === "Literal" && typeof n.value === "string") {
      if (looksLikeWords(n.value)) report(n, n.value);
      return;
    }
    if (n.type === "TemplateLiteral") {
      const text = (n.quasis as Node[]).map((quasi) => (quasi.value as { cooked: string }).cooked).join("…");
      if (looksLikeWords(text)) report(n, text);
      walk(n.expressions, n);
      return;
    }
    for (const [key, child] of Object.entries(n)) {
      if (key !== "parent" && key !== "metadata") walk(child, n);
    }
  };
  walk(ast, null);
  return found;
}
