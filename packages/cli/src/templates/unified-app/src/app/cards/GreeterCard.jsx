import React, { useState } from "react";
import { Button, Flex, Input, Text, hubspot } from "@hubspot/ui-extensions";

hubspot.extend(({ context, actions }) => <Greeter context={context} alert={actions.addAlert} />);

const Greeter = ({ context, alert }) => {
  const [text, setText] = useState("");
  const [reply, setReply] = useState("");

  const send = async () => {
    try {
      // An app function is called by its component uid (src/app/functions/greet-hsmeta.json).
      const answer = await hubspot.serverless("greet", { parameters: { text } });
      setReply(answer.message);
    } catch (error) {
      alert({ type: "danger", message: error.message });
    }
  };

  return (
    <Flex direction="column" gap="sm">
      <Text>Hello {context.user.firstName}, send some text to the app function.</Text>
      <Input name="text" label="Text" value={text} onInput={setText} />
      <Button onClick={send}>Send</Button>
      {reply ? <Text format={{ fontWeight: "bold" }}>{reply}</Text> : null}
    </Flex>
  );
};
