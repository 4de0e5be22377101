output "websocket_url" {
  description = "wss:// URL clients connect to."
  value       = module.api.websocket_url
}

output "management_endpoint" {
  description = "https:// endpoint of the @connections API for this stage."
  value       = module.api.management_endpoint
}

output "api_id" {
  description = "Identifier of the WebSocket API."
  value       = module.api.api_id
}

output "stage_name" {
  description = "Name of the API stage."
  value       = module.api.stage_name
}

output "backend_api_url" {
  description = "https:// URL of the backend HTTP API (no trailing slash), for `npx roomcast ... --url` and SigV4-signed requests."
  value       = module.backend_api.url
}

output "backend_api_id" {
  description = "Identifier of the backend HTTP API."
  value       = module.backend_api.api_id
}

output "backend_api_execution_arn" {
  description = "execute-api ARN prefix of the backend API; \"<this>/*/*/*\" covers every route of it."
  value       = module.backend_api.execution_arn
}

output "backend_api_invoke_arns" {
  description = "Route key -> the ARN a caller must be allowed execute-api:Invoke on to call that route of the backend API."
  value       = module.backend_api.invoke_arns
}

output "backend_api_invoke_policy" {
  description = "An IAM policy document (JSON) allowing execute-api:Invoke on every route of the backend API: attach it to the role or user of a backend, or keep only the routes it needs."
  value = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "InvokeBackendApi"
        Effect   = "Allow"
        Action   = "execute-api:Invoke"
        Resource = sort(distinct(values(module.backend_api.invoke_arns)))
      },
    ]
  })
}

output "table_name" {
  description = "Name of the DynamoDB table."
  value       = module.table.name
}

output "fan_out_queue_url" {
  description = "URL of the fan-out queue (FAN_OUT_QUEUE_URL of the functions that hand fan-outs to the fanout worker)."
  value       = module.queues[local.fan_out_queue].url
}

output "fan_out_queue_arn" {
  description = "ARN of the fan-out queue."
  value       = module.queues[local.fan_out_queue].arn
}

output "fan_out_dead_letter_queue_url" {
  description = "URL of the fan-out queue's dead-letter queue: jobs the worker failed on too many times."
  value       = module.queues[local.fan_out_queue].dead_letter_url
}

output "fan_out_dead_letter_queue_arn" {
  description = "ARN of the fan-out queue's dead-letter queue (for a redrive back to the queue)."
  value       = module.queues[local.fan_out_queue].dead_letter_arn
}

output "function_names" {
  description = "Lambda function name of every function of the route table, by route-table name."
  value       = { for name, function in module.functions : name => function.function_name }
}

output "log_groups" {
  description = "CloudWatch log groups: one per function, the WebSocket stage's access logs (access) and the backend API's (backend_api_access)."
  value = merge(
    { for name, function in module.functions : name => function.log_group_name },
    { access = module.api.access_log_group_name, backend_api_access = module.backend_api.access_log_group_name },
  )
}

output "auth_mode" {
  description = "How $connect is authorized: jwt or anonymous."
  value       = var.auth_mode
}

output "wscat_command" {
  description = "A command that opens a connection to the deployed stack (npx wscat, or a globally installed wscat)."
  value = local.jwt ? (
    "npx wscat -c '${module.api.websocket_url}?token=<JWT from your issuer>'"
    ) : (
    "npx wscat -c '${module.api.websocket_url}?name=alice'"
  )
}
