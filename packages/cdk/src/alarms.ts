import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** The alarms the construct creates (each fires on one occurrence in 5 minutes). */
export interface WsappAlarmOptions {
  /** Where the alarms notify (alarm and OK). Default: nowhere (the alarms are in the console). */
  readonly topic?: ITopic;
}

/** The alarms, by what they watch. */
export interface WsappAlarms {
  /** API Gateway `ExecutionError`: the integration could not be called or failed (the 5xx of a WebSocket API). */
  readonly executionErrors: Alarm;
  /** Lambda `Errors` of each function: invocations that threw or timed out. */
  readonly functionErrors: Alarm[];
  /** Lambda `Throttles` of each function. */
  readonly throttles: Alarm[];
  /** Messages in the fan-out dead-letter queue, when fan-out is on. */
  readonly deadLetters?: Alarm;
}

const PERIOD = Duration.minutes(5);

function alarm(scope: Construct, id: string, metric: IMetric, description: string, topic?: ITopic): Alarm {
  const created = new Alarm(scope, id, {
    metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: description,
  });
  if (topic) {
    created.addAlarmAction(new SnsAction(topic));
    created.addOkAction(new SnsAction(topic));
  }
  return created;
}

/** Creates the alarms on the API stage, the functions and the dead-letter queue. */
export function createAlarms(
  scope: Construct,
  target: {
    apiId: string;
    stageName: string;
    functions: Array<[string, IFunction]>;
    deadLetterQueue?: IQueue;
  },
  options: WsappAlarmOptions,
): WsappAlarms {
  const executionErrors = alarm(
    scope,
    'ExecutionErrorAlarm',
    new Metric({
      namespace: 'AWS/ApiGateway',
      metricName: 'ExecutionError',
      dimensionsMap: { ApiId: target.apiId, Stage: target.stageName },
      statistic: 'Sum',
      period: PERIOD,
    }),
    'API Gateway could not call the WebSocket integration, or it failed (5xx)',
    options.topic,
  );
  const functionErrors = target.functions.map(([name, fn]) =>
    alarm(
      scope,
      `${name}ErrorsAlarm`,
      fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      `${name}: invocations failed (threw or timed out)`,
      options.topic,
    ),
  );
  const throttles = target.functions.map(([name, fn]) =>
    alarm(
      scope,
      `${name}ThrottlesAlarm`,
      fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
      `${name}: invocations throttled (concurrency limit reached)`,
      options.topic,
    ),
  );
  const deadLetters =
    target.deadLetterQueue &&
    alarm(
      scope,
      'DeadLetterAlarm',
      target.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: 'Maximum',
      }),
      'fan-out tasks gave up after their retries and wait in the dead-letter queue',
      options.topic,
    );
  return { executionErrors, functionErrors, throttles, ...(deadLetters ? { deadLetters } : {}) };
}
