// Deleting a record from its page, after a confirmation; the API archives it as HubSpot's does.
import { useState } from "react";
import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useLocation } from "wouter";
import { ErrorNotice } from "../page-parts";
import { paths } from "../paths";
import { useSession } from "../session";
import { crmApi } from "./crm-api";
import type { CrmObjectType } from "./object-types";

export function DeleteRecordButton({ type, id, title }: { type: CrmObjectType; id: string; title: string }) {
  const { accountId } = useSession();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => crmApi.archive(type.name, id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["crm-search", accountId, type.name] });
      navigate(paths.crmIndex(accountId, type.objectTypeId));
    },
  });
  const noun = type.singular.toLowerCase();
  return (
    <>
      <Button color="red" variant="outline" onClick={() => setConfirming(true)}>
        Delete
      </Button>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={`Delete ${title}?`}>
        <Stack>
          <Text size="sm">The {noun} is archived, as HubSpot does: it leaves lists and searches, for people and apps alike.</Text>
          {remove.isError ? <ErrorNotice error={remove.error} title={`The ${noun} was not deleted`} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
              Delete {noun}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
