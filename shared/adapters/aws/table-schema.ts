/**
 * Single-table design (also created by lib/stateful-stack.ts and by the local runtime on dynalite).
 *
 * | item            | pk                    | sk                 | gsi1pk          | gsi1sk               |
 * |-----------------|-----------------------|--------------------|-----------------|----------------------|
 * | resource        | RES#<resourceKey>     | META               | RESOURCES       | <resourceKey>        |
 * | cursor          | RES#<resourceKey>     | CURSOR             | –               | –                    |
 * | interval        | RES#<resourceKey>     | INT#<paddedStart>  | DAY#<YYYY-MM-DD>| <resourceKey>#<pad>  |
 * | raw samples     | RES#<resourceKey>     | RAW#<paddedStart>  | –               | –  (ttl set)         |
 * | roll-up         | ROLLUP#<YYYY-MM-DD>   | <dimension>#<key>  | –               | –                    |
 * | budget          | BUDGET#<id>           | DEF                | BUDGETS[#DELETED] | <id>               |
 * | budget state    | BUDGET#<id>           | STATE#<period>#<nn>| –               | –                    |
 * | budget override | BUDGET#<id>           | OVERRIDE#<period>#<job> | –          | –                    |
 * | target          | TARGET#<id>           | DEF                | TARGETS[#DELETED] | <id>               |
 * (budgets and targets: shared/adapters/aws/dynamodb-budget-store.ts, dynamodb-target-store.ts)
 */
export const TABLE_KEYS = { pk: 'pk', sk: 'sk', gsi1: 'gsi1', gsi1pk: 'gsi1pk', gsi1sk: 'gsi1sk', ttl: 'ttl' } as const;

/** Raw minute samples are kept for audit this long, then DynamoDB TTL deletes them. */
export const RAW_SAMPLES_TTL_SEC = 35 * 86400;

/**
 * Forecast vintages (every issue time is kept, ≈ 24 × 96 items per zone, signal and day) are deleted by TTL this long
 * after their target hour: long enough to audit a plan against the vintage it used and for the planner's 14-day
 * skill record, short enough that the table does not grow without bound. Actuals are kept.
 */
export const FORECAST_VINTAGE_TTL_SEC = 90 * 86400;

export const createTableInput = (tableName: string) => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: [
    { AttributeName: TABLE_KEYS.pk, AttributeType: 'S' as const },
    { AttributeName: TABLE_KEYS.sk, AttributeType: 'S' as const },
    { AttributeName: TABLE_KEYS.gsi1pk, AttributeType: 'S' as const },
    { AttributeName: TABLE_KEYS.gsi1sk, AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: TABLE_KEYS.pk, KeyType: 'HASH' as const },
    { AttributeName: TABLE_KEYS.sk, KeyType: 'RANGE' as const },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: TABLE_KEYS.gsi1,
      KeySchema: [
        { AttributeName: TABLE_KEYS.gsi1pk, KeyType: 'HASH' as const },
        { AttributeName: TABLE_KEYS.gsi1sk, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    },
  ],
});
