// Infra test support: typed access to `terraform show -json` of a plan, and the state of a stack that
// already exists, so that a second plan knows the ARNs a first deployment would have produced.

type Values = Record<string, unknown>;

interface PlannedResource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly schema_version: number;
  /** Absent when every value is unknown until apply (a resource made only of references, say). */
  readonly values?: Values;
}

interface PlannedModule {
  readonly address?: string;
  readonly resources?: readonly PlannedResource[];
  readonly child_modules?: readonly PlannedModule[];
}

interface ResourceChange {
  readonly address: string;
  readonly module_address?: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly change: {
    readonly actions: readonly string[];
    readonly after: Values | null;
    readonly after_unknown?: Values;
  };
}

interface ConfigModule {
  readonly resources?: readonly {
    readonly address: string;
    readonly expressions?: Record<string, { readonly references?: readonly string[] }>;
  }[];
  readonly module_calls?: Record<string, { readonly module: ConfigModule }>;
}

export interface PlanJson {
  readonly terraform_version: string;
  readonly variables: Record<string, { readonly value: unknown }>;
  readonly planned_values: {
    readonly root_module: PlannedModule;
    readonly outputs?: Record<string, { readonly value?: unknown }>;
  };
  readonly resource_changes: readonly ResourceChange[];
  readonly configuration: { readonly root_module: ConfigModule };
}

/** A planned resource: where it lives, what it will be, and which of its attributes are unknown yet. */
export interface Planned {
  readonly address: string;
  readonly module: string | undefined;
  readonly type: string;
  readonly name: string;
  readonly index: string | number | undefined;
  readonly actions: readonly string[];
  readonly after: Values;
  readonly unknown: Values;
}

export class PlanView {
  constructor(readonly json: PlanJson) {}

  /** Managed resources of `type` the plan creates, updates or keeps (not those it destroys). */
  resources(type: string): Planned[] {
    return this.json.resource_changes
      .filter((change) => change.mode === 'managed' && change.type === type)
      .filter((change) => !(change.change.actions.length === 1 && change.change.actions[0] === 'delete'))
      .map((change) => ({
        address: change.address,
        module: change.module_address,
        type: change.type,
        name: change.name,
        index: change.index,
        actions: change.change.actions,
        after: change.change.after ?? {},
        unknown: change.change.after_unknown ?? {},
      }));
  }

  /** The one resource of `type` at `address`, failing loudly when it is not planned. */
  resource(address: string): Planned {
    const type = /(?:^|\.)(aws_[a-z0-9_]+)\./.exec(address)?.[1] ?? '';
    const found = this.resources(type).find((resource) => resource.address === address);
    if (!found) throw new Error(`${address} is not in the plan`);
    return found;
  }

  /** Resources of `type` named `name` in `module` (module.api, module.backend_api...), keyed by their for_each key. */
  byKey(type: string, module: string, name = 'this'): Map<string, Planned> {
    return new Map(
      this.resources(type)
        .filter((resource) => resource.module === module && resource.name === name)
        .map((resource) => [String(resource.index), resource]),
    );
  }

  /** Resources of `type` in each `module.functions["<name>"]` instance, keyed by function name. */
  perFunction(type: string): Map<string, Planned> {
    const entries = this.resources(type).flatMap((resource) => {
      const name = /^module\.functions\["([^"]+)"\]$/.exec(resource.module ?? '')?.[1];
      return name === undefined ? [] : [[name, resource] as const];
    });
    return new Map(entries);
  }

  variable(name: string): unknown {
    return this.json.variables[name]?.value;
  }

  output(name: string): unknown {
    return this.json.planned_values.outputs?.[name]?.value;
  }

  /** What the configuration of a resource in a module call refers to in one of its arguments. */
  references(modulePath: readonly string[], resourceAddress: string, argument: string): readonly string[] {
    let module = this.json.configuration.root_module;
    for (const call of modulePath) {
      const next = module.module_calls?.[call]?.module;
      if (!next) throw new Error(`no module call ${call}`);
      module = next;
    }
    const resource = module.resources?.find((candidate) => candidate.address === resourceAddress);
    return resource?.expressions?.[argument]?.references ?? [];
  }

  /** Every planned managed resource with the module it belongs to, from planned_values. */
  plannedResources(): { module: string | undefined; resource: PlannedResource }[] {
    const walk = (module: PlannedModule): { module: string | undefined; resource: PlannedResource }[] => [
      ...(module.resources ?? []).map((resource) => ({ module: module.address, resource })),
      ...(module.child_modules ?? []).flatMap(walk),
    ];
    return walk(this.json.planned_values.root_module).filter(({ resource }) => resource.mode === 'managed');
  }
}

export const FAKE_ACCOUNT = '123456789012';
/** The WebSocket API. */
export const FAKE_API_ID = 'a1b2c3d4e5';
/** The backend HTTP API. */
export const FAKE_HTTP_API_ID = 'h6i7j8k9l0';
export const FAKE_AUTHORIZER_ID = 'auth01';

/**
 * The state of a stack whose APIs, authorizer, table, queues, roles, log groups, functions and their
 * aliases (and the
 * backend API's $default stage, so that its URL is known) already exist, built from a plan that creates
 * them, with the identifiers AWS would have assigned. Planning again on top of it (with -refresh=false,
 * so no AWS call) gives every ARN a known value, so that IAM policies, invoke permissions and queue URLs
 * can be read in full instead of as "known after apply". Resources of `alsoExisting` types are in the
 * state too, as planned, with made-up ids (so that a plan can replace them).
 */
export function existingStackState(
  plan: PlanView,
  region: string,
  alsoExisting: readonly string[] = [],
): unknown {
  const attributesOf = (type: string, values: Values): Values | undefined => {
    const name = typeof values['name'] === 'string' ? values['name'] : undefined;
    switch (type) {
      case 'aws_apigatewayv2_api': {
        const http = values['protocol_type'] === 'HTTP';
        const id = http ? FAKE_HTTP_API_ID : FAKE_API_ID;
        return {
          ...values,
          id,
          arn: `arn:aws:apigateway:${region}::/apis/${id}`,
          execution_arn: `arn:aws:execute-api:${region}:${FAKE_ACCOUNT}:${id}`,
          api_endpoint: `${http ? 'https' : 'wss'}://${id}.execute-api.${region}.amazonaws.com`,
        };
      }
      // Only the HTTP API's auto-deployed stage: the WebSocket stage follows a deployment the plan makes.
      case 'aws_apigatewayv2_stage':
        return name === '$default'
          ? {
              ...values,
              id: name,
              api_id: FAKE_HTTP_API_ID,
              arn: `arn:aws:apigateway:${region}::/apis/${FAKE_HTTP_API_ID}/stages/${name}`,
              execution_arn: `arn:aws:execute-api:${region}:${FAKE_ACCOUNT}:${FAKE_HTTP_API_ID}/${name}`,
              // What AWS answers for a $default stage: the API's endpoint with a trailing slash.
              invoke_url: `https://${FAKE_HTTP_API_ID}.execute-api.${region}.amazonaws.com/`,
            }
          : undefined;
      case 'aws_apigatewayv2_authorizer':
        return { ...values, id: FAKE_AUTHORIZER_ID, api_id: FAKE_API_ID };
      case 'aws_dynamodb_table':
        return name
          ? { ...values, id: name, arn: `arn:aws:dynamodb:${region}:${FAKE_ACCOUNT}:table/${name}` }
          : undefined;
      case 'aws_cloudwatch_log_group':
        return name
          ? { ...values, id: name, arn: `arn:aws:logs:${region}:${FAKE_ACCOUNT}:log-group:${name}` }
          : undefined;
      // A queue's id is its URL.
      case 'aws_sqs_queue': {
        if (!name) return undefined;
        const queueUrl = `https://sqs.${region}.amazonaws.com/${FAKE_ACCOUNT}/${name}`;
        return {
          ...values,
          id: queueUrl,
          url: queueUrl,
          arn: `arn:aws:sqs:${region}:${FAKE_ACCOUNT}:${name}`,
        };
      }
      case 'aws_iam_role':
        return name ? { ...values, id: name, arn: `arn:aws:iam::${FAKE_ACCOUNT}:role/${name}` } : undefined;
      // Each function has published its first version, which its alias points at.
      case 'aws_lambda_function': {
        const functionName = String(values['function_name']);
        const arn = `arn:aws:lambda:${region}:${FAKE_ACCOUNT}:function:${functionName}`;
        return {
          ...values,
          id: functionName,
          arn,
          version: '1',
          qualified_arn: `${arn}:1`,
          invoke_arn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
          role: `arn:aws:iam::${FAKE_ACCOUNT}:role/${functionName}-${region}`,
        };
      }
      case 'aws_lambda_alias': {
        const arn = `arn:aws:lambda:${region}:${FAKE_ACCOUNT}:function:${String(values['function_name'])}:${name}`;
        return {
          ...values,
          id: arn,
          arn,
          function_version: '1',
          invoke_arn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        };
      }
      default:
        return undefined;
    }
  };

  const groups = new Map<string, Values & { instances: Values[] }>();
  for (const { module, resource } of plan.plannedResources()) {
    const attributes = alsoExisting.includes(resource.type)
      ? {
          ...resource.values,
          id: `${resource.name}-${String(resource.index ?? 0)}`.replace(/[^A-Za-z0-9-]/g, ''),
        }
      : attributesOf(resource.type, resource.values ?? {});
    if (!attributes) continue;
    const key = `${module ?? ''}|${resource.type}|${resource.name}`;
    const group = groups.get(key) ?? {
      ...(module ? { module } : {}),
      mode: 'managed',
      type: resource.type,
      name: resource.name,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [],
    };
    group.instances.push({
      ...(resource.index === undefined ? {} : { index_key: resource.index }),
      schema_version: resource.schema_version,
      attributes,
      sensitive_attributes: [],
    });
    groups.set(key, group);
  }
  return {
    version: 4,
    terraform_version: plan.json.terraform_version,
    serial: 1,
    lineage: 'roomcast-infra-test',
    outputs: {},
    resources: [...groups.values()],
  };
}
