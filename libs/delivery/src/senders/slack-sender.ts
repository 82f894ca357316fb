import { SlackChannelConfigSchema } from '@vigil/contracts';
import { postJson } from '../http-post';
import { refused } from '../outcome';
import { IDEMPOTENCY_HEADER } from './webhook-signature';
import type { AlertMessage, Sender } from '../types';

/** Slack's mrkdwn treats these three as markup; everything else is shown as written. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const EMOJI: Record<AlertMessage['action'], string> = { trigger: ':red_circle:', resolve: ':large_green_circle:' };

/** An incoming-webhook message: `text` for notifications and old clients, `blocks` for the readable version. */
export function slackPayload(message: AlertMessage) {
  // The first line of the text is the title, shown in the header block.
  const details = message.text.split('\n').slice(1).map(escapeMrkdwn).join('\n');
  const links = message.links.map((link) => `<${link.url}|${escapeMrkdwn(link.label)}>`).join(' · ');
  return {
    text: `${message.kind === 'degraded_opened' ? ':large_orange_circle:' : message.kind === 'slo_burn' ? ':fire:' : EMOJI[message.action]} ${escapeMrkdwn(message.title)}`,
    blocks: [
      // Header blocks take plain text of at most 150 characters.
      { type: 'header', text: { type: 'plain_text', text: message.title.slice(0, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: details } },
      ...(links ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: links }] }] : []),
    ],
  };
}

/** Posts a readable message to a Slack incoming webhook. */
export const slackSender: Sender = async (message, channelConfig, context) => {
  const parsed = SlackChannelConfigSchema.safeParse(channelConfig);
  if (!parsed.success) return refused(`Invalid Slack channel config: ${parsed.error.message}`);
  // Slack itself ignores the key; a proxy or relay in front of it can drop repeats by it.
  const headers = { [IDEMPOTENCY_HEADER]: message.idempotencyKey };
  return postJson({ url: parsed.data.webhook_url, body: JSON.stringify(slackPayload(message)), headers }, context);
};
