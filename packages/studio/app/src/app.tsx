import { useEffect, useState } from "preact/hooks";
import { api, apiBase, apiKey, ApiError } from "./api.js";
import { useAssetTypes } from "./asset-types.js";
import { Library } from "./library.js";
import { UploadsView } from "./uploads-view.js";
import { UploadPanel, useUploader } from "./upload-panel.js";

interface Me {
  data: { id: string; attributes: { username: string; is_superuser?: boolean } };
}

type Tab = "library" | "uploads";

export function App() {
  const [user, setUser] = useState<string | null>(null);
  const [signInError, setSignInError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>(location.hash === "#uploads" ? "uploads" : "library");
  // Bumped when an upload commits, so the grid and the uploads list reload.
  const [generation, setGeneration] = useState(0);
  const types = useAssetTypes();
  const uploader = useUploader(types, () => setGeneration((g) => g + 1));

  const whoAmI = async () => {
    if (!apiKey.get()) return setUser(null);
    try {
      const me = await api<Me>("/users/me");
      setUser(me.data.attributes.username);
      setSignInError(null);
    } catch (error) {
      apiKey.set(null);
      setUser(null);
      setSignInError(error instanceof ApiError ? error.message : String(error));
    }
  };
  useEffect(() => void whoAmI(), []);

  const signIn = async (event: Event) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem("key") as HTMLInputElement;
    apiKey.set(input.value.trim() || null);
    await whoAmI();
    setGeneration((g) => g + 1);
  };
  const signOut = () => {
    apiKey.set(null);
    setUser(null);
    setGeneration((g) => g + 1);
  };
  const show = (next: Tab) => {
    setTab(next);
    history.replaceState(null, "", `${location.pathname}${location.search}${next === "uploads" ? "#uploads" : ""}`);
  };

  return (
    <div class="shell" onDragOver={uploader.onDragOver} onDrop={uploader.onDrop}>
      <header class="top">
        <strong class="brand">Assets studio</strong>
        <nav>
          <button class={tab === "library" ? "tab active" : "tab"} onClick={() => show("library")}>Library</button>
          <button class={tab === "uploads" ? "tab active" : "tab"} onClick={() => show("uploads")}>Uploads</button>
          <a class="tab" href={`${apiBase}/reference/`}>API reference</a>
        </nav>
        {user ? (
          <span class="who" data-testid="who">
            {user} <button onClick={signOut}>Sign out</button>
          </span>
        ) : (
          <form class="who" onSubmit={signIn}>
            <input name="key" type="password" placeholder="API key" autocomplete="off" aria-label="API key" />
            <button type="submit">Sign in</button>
            {signInError && <span class="error" role="alert">{signInError}</span>}
          </form>
        )}
      </header>
      <main>{tab === "library" ? <Library generation={generation} signedIn={!!user} types={types} /> : <UploadsView generation={generation} types={types.map((t) => t.id)} />}</main>
      <UploadPanel uploader={uploader} types={types} />
    </div>
  );
}
