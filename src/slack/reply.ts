import type { AllMiddlewareArgs, BlockAction, BlockElementAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Message } from './blocks.js';
import { asModal } from './render/home.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
/** Any block action (buttons, the channel picker). */
type ActionArgs<A extends BlockElementAction = BlockElementAction> = SlackActionMiddlewareArgs<BlockAction<A>> & AllMiddlewareArgs;

/** Whether a click came from App Home or a modal (no channel, no response_url). */
export function inView(body: BlockAction): boolean {
  return body.container?.type === 'view' || body.view !== undefined;
}

/**
 * Shows `message` to whoever clicked, where they clicked:
 * - in a message: an ephemeral message, or (`how: 'replace'`, paging) the clicked message
 *   replaced — only when nobody else sees it: the clicker's own ephemeral answer, or the bot's
 *   answer in its DM with the clicker (pages there stacked up as ephemeral messages). Replacing
 *   a message in a thread or a group DM would change it for everyone who can see it;
 * - in App Home: a modal; inside a modal: pushed on top (`'new'`) or in place (`'replace'`).
 */
export async function showToClicker(args: ButtonArgs, title: string, message: Message, how: 'new' | 'replace'): Promise<void> {
  const { body, client, respond } = args;
  if (inView(body)) {
    const view = asModal(title, message);
    if (body.view?.type === 'modal') {
      if (how === 'replace') await client.views.update({ view_id: body.view.id, hash: body.view.hash, view });
      else {
        try {
          await client.views.push({ trigger_id: body.trigger_id, view });
        } catch (error) {
          // Slack stacks at most three modals; past that, show it in the top one instead.
          if ((error as { data?: { error?: string } }).data?.error !== 'push_limit_reached') throw error;
          await client.views.update({ view_id: body.view.id, view });
        }
      }
    } else {
      await client.views.open({ trigger_id: body.trigger_id, view });
    }
    return;
  }
  const ownEphemeral = (body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral === true;
  // A D… channel the bot answers in is its DM with one person: the clicker.
  const ownDirectMessage = body.channel?.id?.startsWith('D') === true;
  await respond({ response_type: 'ephemeral', replace_original: how === 'replace' && (ownEphemeral || ownDirectMessage), text: message.text, blocks: message.blocks });
}

/** A short ephemeral note to whoever clicked (errors, confirmations). */
export async function tellClicker(args: ActionArgs, text: string): Promise<void> {
  if (inView(args.body)) {
    const view = asModal('支援ナビ', { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
    // From a modal, a note goes on top of it (Slack does not open a modal from a modal).
    if (args.body.view?.type === 'modal') await args.client.views.push({ trigger_id: args.body.trigger_id, view });
    else await args.client.views.open({ trigger_id: args.body.trigger_id, view });
    return;
  }
  await args.respond({ response_type: 'ephemeral', replace_original: false, text });
}
