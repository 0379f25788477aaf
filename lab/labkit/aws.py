"""The AWS-flavoured lab: the local AWS API emulator (moto_server) with the shapes of the QA
incident (004): an ALB whose listener's default action is a fixed 404, a target group, an
ECS cluster and service, and a Route 53 zone. lab/aws-lab.yaml checks them through the
provider presets, with the `aws` command.

Known emulator quirks, handled here: ECS services need securityGroups in their
awsvpcConfiguration; running counts stay 0 unless moto_server runs with
MOTO_ECS_SERVICE_RUNNING=1; target health always reads healthy."""
import json
import os
import shutil
import time

from .common import LabError, alive as pid_alive, port_in_use, port_open, read_json, read_pid, run, say, spawn, stop_pid, wait_for, \
    write_json_atomic

REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}


def _state_file(lab):
    return lab.path("aws", "state.json")


def _pidfile(lab):
    return lab.path("aws", "moto.pid")


def missing_tools():
    """What is not installed, in words; empty when the AWS lab can run."""
    missing = []
    if not shutil.which("moto_server"):
        missing.append("moto_server (the local AWS API emulator; not packaged for Debian 12: "
                       "pip install 'moto[server]' where PyPI is reachable)")
    if not shutil.which("aws"):
        missing.append("aws (apt-get install awscli)")
    return missing


def port(lab):
    return lab.ports.lb + 5


def _aws(lab, *args):
    env = dict(os.environ, **CREDENTIALS)
    argv = ["aws", *args, "--endpoint-url", f"http://127.0.0.1:{port(lab)}", "--region", REGION, "--output", "json"]
    done = run(argv, f"aws {' '.join(args[:2])}", timeout=60, env=env)
    return json.loads(done.stdout) if done.stdout.strip() else {}


def up(lab):
    missing = missing_tools()
    if missing:
        raise LabError("the AWS lab needs " + " and ".join(missing))
    state = read_json(_state_file(lab))
    if state and alive(lab):
        return state
    os.makedirs(lab.path("aws"), exist_ok=True)
    if port_in_use(port(lab)):
        raise LabError(f"port in use: {port(lab)} (the AWS emulator)")
    spawn(["moto_server", "-H", "127.0.0.1", "-p", str(port(lab))], lab.path("aws", "moto.log"), _pidfile(lab),
          env=dict(os.environ, MOTO_ECS_SERVICE_RUNNING="1"))
    wait_for(lambda: port_open(port(lab)), 30, f"moto_server to listen on 127.0.0.1:{port(lab)}")
    say(f"AWS emulator on 127.0.0.1:{port(lab)}; creating the QA shapes")

    vpc = _aws(lab, "ec2", "create-vpc", "--cidr-block", "10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [_aws(lab, "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", f"10.0.{i}.0/24",
                    "--availability-zone", f"{REGION}{zone}")["Subnet"]["SubnetId"]
               for i, zone in ((1, "a"), (2, "b"))]
    group = _aws(lab, "ec2", "create-security-group", "--group-name", "qa-backend", "--description",
                 "the lab's backend", "--vpc-id", vpc)["GroupId"]
    alb = _aws(lab, "elbv2", "create-load-balancer", "--name", "qa-alb", "--subnets", *subnets,
               "--security-groups", group)["LoadBalancers"][0]["LoadBalancerArn"]
    tg = _aws(lab, "elbv2", "create-target-group", "--name", "qa-backend-tg", "--protocol", "HTTP", "--port", "80",
              "--vpc-id", vpc, "--target-type", "ip")["TargetGroups"][0]["TargetGroupArn"]
    _aws(lab, "elbv2", "register-targets", "--target-group-arn", tg, "--targets", "Id=10.0.1.10,Port=80")
    fixed_404 = [{"Type": "fixed-response", "FixedResponseConfig": {
        "StatusCode": "404", "ContentType": "text/plain", "MessageBody": "Not Found"}}]
    listener = _aws(lab, "elbv2", "create-listener", "--load-balancer-arn", alb, "--protocol", "HTTP", "--port", "80",
                    "--default-actions", json.dumps(fixed_404))["Listeners"][0]["ListenerArn"]
    _aws(lab, "ecs", "create-cluster", "--cluster-name", "qa-cluster")
    _aws(lab, "ecs", "register-task-definition", "--family", "qa-backend", "--requires-compatibilities", "FARGATE",
         "--network-mode", "awsvpc", "--cpu", "256", "--memory", "512", "--container-definitions",
         json.dumps([{"name": "backend", "image": "hopscope-lab/app:latest", "essential": True}]))
    network = {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group], "assignPublicIp": "DISABLED"}}
    _aws(lab, "ecs", "create-service", "--cluster", "qa-cluster", "--service-name", "qa-backend",
         "--task-definition", "qa-backend", "--desired-count", "1", "--launch-type", "FARGATE",
         "--network-configuration", json.dumps(network))
    _aws(lab, "route53", "create-hosted-zone", "--name", "lab.test", "--caller-reference", f"lab-{time.time()}")
    state = {"endpoint": f"http://127.0.0.1:{port(lab)}", "region": REGION, "listener_arn": listener,
             "target_group_arn": tg, "load_balancer_arn": alb, "cluster": "qa-cluster", "service": "qa-backend"}
    write_json_atomic(_state_file(lab), state)
    return state


def alive(lab):
    return pid_alive(read_pid(_pidfile(lab)))


def env(lab):
    state = read_json(_state_file(lab))
    if not state:
        raise LabError("the AWS lab is not up: labctl aws up")
    return dict(CREDENTIALS, HOPSCOPE_AWS_ENDPOINT=state["endpoint"], HOPSCOPE_AWS_LISTENER_ARN=state["listener_arn"],
                HOPSCOPE_AWS_TARGET_GROUP_ARN=state["target_group_arn"])


def down(lab):
    stop_pid(_pidfile(lab), "moto_server")
    try:
        os.remove(_state_file(lab))
    except FileNotFoundError:
        pass
