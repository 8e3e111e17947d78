// The sign-in form, shown at any URL while nobody is signed in.
import { useState, type FormEvent } from "react";
import { Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { errorText } from "./api-client";
import { useSessionActions } from "./session";

export function SignInPage() {
  const { signIn } = useSessionActions();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(email, password);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" bg="gray.0" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="min(380px, 94vw)">
        <form onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
          <Stack>
            <div>
              <Title order={1} size="h3" id="sign-in-title">
                Sign in to Sprocket
              </Title>
              <Text size="sm" c="dimmed">
                Private apps, projects and CRM records.
              </Text>
            </div>
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              autoFocus
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={error}
            />
            <Button type="submit" loading={busy} disabled={!email || !password}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
