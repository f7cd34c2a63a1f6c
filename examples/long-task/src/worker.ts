import type { LambdaContext, Messenger } from '@wsapp/core';
import { NotATaskError, replyTo, TaskSignatureError } from '@wsapp/forward';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ReportJob } from './app.js';

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  messenger: Messenger;
  /** The app's forwarding key(s): only tasks its route signed are answered. */
  secret: string | readonly string[];
  /** Progress updates per job (default 4). */
  steps?: number;
  /** One step of work (default: a short pause standing in for real work). */
  work?: (job: ReportJob, step: number) => Promise<void>;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 50));

/**
 * The SQS-triggered worker: for each job it reports progress to the submitting connection, then the
 * result, or an error. A client that left (`'gone'`) stops the job early. Records without a wsapp
 * envelope, or whose envelope the app did not sign (another producer wrote them), are dropped
 * (logged) rather than retried forever.
 */
export function createWorker(options: WorkerOptions) {
  const steps = options.steps ?? 4;
  const work = options.work ?? pause;
  return async (event: SQSEvent, context?: LambdaContext): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const task = replyTo<ReportJob>(record, {
          messenger: options.messenger,
          secret: options.secret,
          lambdaContext: context,
        });
        if (task.data.rows > 500_000) {
          await task.fail({ message: 'report too large', code: 'TooLarge' });
          continue;
        }
        let gone = false;
        for (let step = 1; step <= steps && !gone; step++) {
          await work(task.data, step);
          gone = (await task.send({ percent: Math.round((step / steps) * 100) })) === 'gone';
        }
        if (!gone)
          await task.done({
            report: task.data.report,
            rows: task.data.rows,
            url: `s3://reports/${task.taskId}.csv`,
          });
      } catch (error) {
        if (error instanceof NotATaskError || error instanceof TaskSignatureError) {
          console.error('worker: dropping a message the app did not forward', {
            messageId: record.messageId,
            reason: error.message,
          });
          continue;
        }
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}
