// Creating a record from the index page: the object's usual properties, with the server's validation errors inline.
import { useState } from "react";
import { Button, Group, Modal, Stack } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ErrorNotice } from "../page-parts";
import { useSession } from "../session";
import { crmApi, isEditable, type CrmRecord, type PropertyDefinition } from "./crm-api";
import type { CrmObjectType } from "./object-types";
import { fieldErrors, PropertyInput } from "./property-panel";

interface CreateRecordProps {
  type: CrmObjectType;
  properties: PropertyDefinition[];
  opened: boolean;
  onClose: () => void;
  onCreated: (record: CrmRecord) => void;
}

export function CreateRecordModal({ type, properties, opened, onClose, onCreated }: CreateRecordProps) {
  const { accountId } = useSession();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Record<string, string>>({});
  const fields = type.createFields
    .map((name) => properties.find((p) => p.name === name))
    .filter((p): p is PropertyDefinition => !!p && isEditable(p));
  const create = useMutation({
    mutationFn: () => crmApi.create(type.name, Object.fromEntries(Object.entries(draft).filter(([, value]) => value !== ""))),
    onSuccess: async (record) => {
      setDraft({});
      await queryClient.invalidateQueries({ queryKey: ["crm-search", accountId, type.name] });
      onCreated(record);
    },
  });
  const errors = fieldErrors(create.error);
  const unplaced = create.error && !fields.some((p) => errors[p.name]);
  const close = () => {
    create.reset();
    onClose();
  };
  const noun = type.singular.toLowerCase();
  return (
    <Modal opened={opened} onClose={close} title={`Create ${noun}`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <Stack gap="sm">
          {fields.map((property) => (
            <PropertyInput
              key={property.name}
              property={property}
              value={draft[property.name] ?? ""}
              error={errors[property.name]}
              onChange={(value) => setDraft((d) => ({ ...d, [property.name]: value }))}
            />
          ))}
          {unplaced ? <ErrorNotice error={create.error} title={`The ${noun} was not created`} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={Object.values(draft).every((v) => v === "")}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
