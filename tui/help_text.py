"""The help screen's words, in English and Korean: plain data, no Textual.

Each `Topic` explains one technique in a few sentences, the way a TA would at the
whiteboard, and says which chart tab shows it. The key bindings are not written here:
the app passes its own (key, description) pairs to `keys`, so the help never goes stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui.i18n import LABELS

LANGS = ("en", "ko")

# Groups of topics, in the lecture's order: (English, Korean) headings.
GROUPS: tuple[tuple[str, str], ...] = (
    ("Training is slow", "학습 속도 문제"),
    ("Vanishing gradients", "기울기 소실"),
    ("Weight initialization", "초기값 설정 문제"),
    ("Overfitting", "과적합"),
)


@dataclass(frozen=True)
class Topic:
    """One help topic: a title, a short explanation and where to look, in both languages."""

    key: str
    title_en: str
    title_ko: str
    body_en: str
    body_ko: str
    look_en: str
    look_ko: str
    group: int = 0  # index into GROUPS


def _lang(lang: str) -> str:
    """`lang` if we have it, else English."""
    return lang if lang in LANGS else "en"


def topic_text(topic: Topic, lang: str) -> tuple[str, str, str]:
    """The (title, body, what to look at) of `topic` in `lang` ("en" or "ko")."""
    if _lang(lang) == "ko":
        return topic.title_ko, topic.body_ko, topic.look_ko
    return topic.title_en, topic.body_en, topic.look_en


UI_STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "trainlab help",
        "topics": "Topics",
        "look": "What to look at in trainlab",
        "keys_title": "Keys",
        "keys_intro": "The keys of the main screen (they also appear in the footer):",
        "keys_none": "The app gave no key bindings.",
        "help_keys": "In this help screen:",
        "hint": "↑↓ topic · Tab text · l 한국어 · Esc close",
        "k_move": "choose a topic",
        "k_focus": "move between the list and the text",
        "k_lang": "switch to Korean",
        "k_close": "close the help",
    },
    "ko": {
        "title": "trainlab 도움말",
        "topics": "주제",
        "look": "trainlab에서 볼 곳",
        "keys_title": "단축키",
        "keys_intro": "메인 화면의 단축키입니다 (화면 맨 아래 줄에도 보입니다):",
        "keys_none": "앱이 단축키 목록을 넘겨주지 않았습니다.",
        "help_keys": "이 도움말 화면에서:",
        "hint": "↑↓ 주제 · Tab 본문 · l English · Esc 닫기",
        "k_move": "주제 고르기",
        "k_focus": "목록과 본문 사이 이동",
        "k_lang": "영어로 바꾸기",
        "k_close": "도움말 닫기",
    },
}


def ui(name: str, lang: str) -> str:
    """The help screen's own label `name` in `lang`."""
    return UI_STRINGS[_lang(lang)].get(name, UI_STRINGS["en"].get(name, name))


# Textual key names that read badly on screen.
_KEY_NAMES = {
    "question_mark": "?",
    "escape": "Esc",
    "space": "Space",
    "enter": "Enter",
    "tab": "Tab",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "plus": "+",
    "minus": "-",
    "full_stop": ".",
    "comma": ",",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def pretty_key(key: str) -> str:
    """A Textual key name as a user would type it: "ctrl+q" → "Ctrl+Q", "question_mark" → "?"."""
    names = []
    for part in key.split(","):
        chord = part.strip().split("+")
        *mods, last = chord
        last = _KEY_NAMES.get(last, last)
        names.append("+".join([m.capitalize() for m in mods] + [last.upper() if mods else last]))
    return "/".join(names)


def _translations() -> dict[str, tuple[str, str]]:
    """Every app label, found by either its English or its Korean text."""
    found: dict[str, tuple[str, str]] = {}
    for en, ko in LABELS.values():
        found.setdefault(en, (en, ko))
        if ko:
            found.setdefault(ko, (en, ko))
    return found


_BY_TEXT = _translations()


def describe(description: str, lang: str) -> str:
    """`description` in `lang` when it is a known app label (in either language), else as given."""
    pair = _BY_TEXT.get(description)
    if pair is None:
        return description
    return pair[1] if _lang(lang) == "ko" and pair[1] else pair[0]


def keys(lang: str, bindings: Sequence[tuple[str, str]] | None = None) -> tuple[str, str]:
    """The KEYS section as (title, body): the caller's (key, description) pairs, one a line,
    then the keys of the help screen itself."""
    lang = _lang(lang)
    rows = [(pretty_key(k), describe(d, lang)) for k, d in (bindings or [])]
    own = [
        ("↑↓", ui("k_move", lang)),
        ("Tab", ui("k_focus", lang)),
        ("l", ui("k_lang", lang)),
        ("Esc/q/?", ui("k_close", lang)),
    ]
    width = max(len(k) for k, _ in rows + own)
    lines = [ui("keys_intro", lang) if rows else ui("keys_none", lang), ""]
    lines += [f"  {k.ljust(width)}  {d}" for k, d in rows]
    lines += ["", ui("help_keys", lang), ""]
    lines += [f"  {k.ljust(width)}  {d}" for k, d in own]
    return ui("keys_title", lang), "\n".join(lines)


TOPICS: list[Topic] = [
    # --- 1. Training is slow -------------------------------------------------------------
    Topic(
        key="minibatch",
        title_en="Mini-batch vs full batch (GD/SGD)",
        title_ko="미니 배치와 전체 배치 (GD/SGD)",
        body_en=(
            "Full-batch gradient descent (GD) reads every training example before it takes "
            "one step, so each step is accurate but expensive. Mini-batch SGD estimates the "
            "same gradient from a small random sample, say 32 or 128 examples, and steps right "
            "away. For the same number of examples seen it makes many more updates, and that "
            "usually wins. The price is noise: every batch points a little differently, so the "
            "path wobbles, more so the smaller the batch."
        ),
        body_ko=(
            "전체 배치 경사 하강법(GD)은 학습 데이터를 전부 훑어본 뒤에야 한 걸음을 "
            "내딛습니다. 그래서 방향은 정확하지만 한 걸음이 무척 비쌉니다. 미니 배치 SGD는 "
            "32개나 128개처럼 무작위로 뽑은 일부 데이터로 기울기를 어림하고 곧바로 움직입니다. "
            "같은 양의 데이터를 보는 동안 훨씬 여러 번 갱신할 수 있어서 대개 더 빨리 "
            "내려갑니다. 대신 배치마다 가리키는 방향이 조금씩 달라 경로가 흔들리고, 배치가 "
            "작을수록 더 많이 흔들립니다."
        ),
        look_en=(
            "Compare GD and SGD on the Loss tab for the same number of samples seen, and watch "
            "the mini-batch wobble on the Paths tab."
        ),
        look_ko=(
            "손실(Loss) 탭에서 같은 샘플 수를 기준으로 GD와 SGD를 비교하고, 경로(Paths) "
            "탭에서 미니 배치가 흔들리는 모습을 보세요."
        ),
        group=0,
    ),
    Topic(
        key="learning_rate",
        title_en="Learning rate",
        title_ko="학습률",
        body_en=(
            "The learning rate sets how far one update moves the weights against the gradient. "
            "Too small, and the loss creeps down so slowly that training looks stuck. Too "
            "large, and every step overshoots the valley: the loss bounces around or shoots up "
            "to infinity, which trainlab marks as diverged. A good value lies in between and is "
            "usually found by trying a few values ten times apart. Adaptive optimizers still "
            "have one; they only rescale it per parameter."
        ),
        body_ko=(
            "학습률은 한 번 갱신할 때 가중치를 기울기 반대 방향으로 얼마나 멀리 옮길지 "
            "정합니다. 너무 작으면 손실이 아주 천천히 줄어 학습이 멈춘 것처럼 보입니다. 너무 "
            "크면 매번 골짜기를 지나쳐 버려서 손실이 출렁이거나 무한대로 치솟는데, trainlab은 "
            "이런 실행을 '발산'으로 표시합니다. 알맞은 값은 그 사이 어딘가에 있고, 보통 10배씩 "
            "차이 나는 값 몇 개를 직접 시험해서 찾습니다. 적응형 옵티마이저에도 학습률은 "
            "있으며, 매개변수마다 크기를 조절할 뿐입니다."
        ),
        look_en=(
            "Put three learning rates side by side on the Loss tab; the runs table marks the "
            "too-high one as diverged."
        ),
        look_ko=(
            "손실(Loss) 탭에 학습률 세 개를 나란히 놓아 보세요. 너무 큰 쪽은 실행 표에 "
            "'발산'으로 표시됩니다."
        ),
        group=0,
    ),
    Topic(
        key="sgd",
        title_en="SGD",
        title_ko="SGD (확률적 경사 하강법)",
        body_en=(
            "Plain SGD does the simplest possible thing: subtract the learning rate times the "
            "gradient from each weight. It has one knob and no memory, which makes it easy to "
            "reason about. Its weakness shows in long, narrow valleys: there the gradient points "
            "mostly across the valley rather than along it, so SGD zig-zags from wall to wall "
            "and crawls toward the minimum. Every other optimizer here is a fix for that."
        ),
        body_ko=(
            "기본 SGD는 가장 단순한 규칙을 따릅니다. 각 가중치에서 학습률 × 기울기를 빼는 것이 "
            "전부입니다. 조절할 값이 하나뿐이고 과거를 기억하지 않아서 동작을 이해하기 "
            "쉽습니다. 약점은 길고 좁은 골짜기에서 드러납니다. 그곳에서는 기울기가 골짜기를 "
            "따라가는 쪽이 아니라 가로지르는 쪽을 주로 가리켜서, SGD는 양쪽 벽 사이를 "
            "지그재그로 오가며 최솟값에 느리게 다가갑니다. 뒤에 나오는 옵티마이저들은 모두 이 "
            "문제를 고치려는 방법입니다."
        ),
        look_en="On the Paths tab, watch SGD zig-zag across the stretched bowl x²/20 + y².",
        look_ko=(
            "경로(Paths) 탭에서 길쭉한 그릇 x²/20 + y² 위를 SGD가 지그재그로 가로지르는 "
            "모습을 보세요."
        ),
        group=0,
    ),
    Topic(
        key="momentum",
        title_en="Momentum",
        title_ko="모멘텀 (Momentum)",
        body_en=(
            "Momentum keeps a velocity: a running sum of past updates that fades a little each "
            "step (by a factor such as 0.9). A new gradient nudges the velocity instead of "
            "setting the step directly. Pushes that keep pointing the same way add up, so the "
            "weights speed up along the valley floor, while pushes that flip back and forth "
            "cancel out. Picture a ball rolling downhill rather than a hiker re-reading the "
            "slope at every step. Too much momentum overshoots and circles the minimum."
        ),
        body_ko=(
            "모멘텀은 '속도'를 기억합니다. 지난 갱신들을 쌓아 두되 매 단계 0.9배처럼 조금씩 "
            "줄여 가는 값입니다. 새 기울기는 걸음을 직접 정하지 않고 이 속도를 살짝 밀어 줄 "
            "뿐입니다. 같은 방향으로 계속 미는 힘은 쌓여서 골짜기 바닥을 따라 점점 빨라지고, "
            "방향이 자꾸 바뀌는 힘은 서로 상쇄됩니다. 걸음마다 경사를 새로 살피는 등산객보다 "
            "비탈을 굴러 내려가는 공을 떠올리면 됩니다. 모멘텀이 너무 크면 최솟값을 지나쳐 "
            "주위를 맴돌기도 합니다."
        ),
        look_en=(
            "On the Paths tab Momentum rolls along the valley with far fewer zig-zags than SGD; "
            "on the Loss tab it pulls ahead."
        ),
        look_ko=(
            "경로(Paths) 탭에서 모멘텀이 SGD보다 훨씬 덜 흔들리며 골짜기를 따라 굴러가고, "
            "손실(Loss) 탭에서 앞서 나가는 모습을 보세요."
        ),
        group=0,
    ),
    Topic(
        key="nesterov",
        title_en="Nesterov momentum",
        title_ko="네스테로프 모멘텀 (Nesterov)",
        body_en=(
            "Nesterov momentum is momentum with a look-ahead. Since the velocity will carry the "
            "weights forward anyway, it measures the gradient where they are about to land, "
            "not where they are now. If that spot is already past the bottom, the gradient "
            "there pulls back early, so Nesterov brakes before it overshoots. In practice it "
            "behaves like momentum with less wobble near the minimum."
        ),
        body_ko=(
            "네스테로프 모멘텀은 한 발 앞을 내다보는 모멘텀입니다. 어차피 속도 때문에 "
            "가중치가 앞으로 밀려갈 테니, 지금 위치가 아니라 곧 도착할 위치에서 기울기를 "
            "잽니다. 그 위치가 이미 바닥을 지나쳤다면 그곳의 기울기가 미리 뒤로 당겨 주므로, "
            "지나치기 전에 속도를 줄입니다. 실제로는 최솟값 근처에서 덜 흔들리는 모멘텀처럼 "
            "움직입니다."
        ),
        look_en=(
            "On the Paths tab, compare Nesterov with plain Momentum near the minimum: it "
            "overshoots less."
        ),
        look_ko=(
            "경로(Paths) 탭에서 최솟값 근처의 네스테로프와 일반 모멘텀을 비교해 보세요. 덜 "
            "지나칩니다."
        ),
        group=0,
    ),
    Topic(
        key="adagrad",
        title_en="AdaGrad",
        title_ko="AdaGrad",
        body_en=(
            "AdaGrad gives every parameter its own step size. It adds up the squares of all the "
            "gradients a parameter has ever received and divides that parameter's step by the "
            "square root of the sum. Parameters that have been pushed hard get small steps; "
            "rarely touched ones keep large steps. The catch is that the sum only grows, so the "
            "effective step keeps shrinking and can fade to almost nothing before training is "
            "done."
        ),
        body_ko=(
            "AdaGrad는 매개변수마다 자기만의 보폭을 줍니다. 한 매개변수가 지금까지 받은 "
            "기울기의 제곱을 모두 더해 두고, 그 합의 제곱근으로 보폭을 나눕니다. 많이 움직인 "
            "매개변수는 보폭이 작아지고, 거의 움직이지 않은 매개변수는 큰 보폭을 유지합니다. "
            "문제는 이 합이 늘어나기만 한다는 점입니다. 그래서 실제 보폭이 계속 줄어들어 "
            "학습이 끝나기 전에 거의 0이 될 수 있습니다."
        ),
        look_en=(
            "On the Gradients tab, AdaGrad's effective step size decays toward zero over time."
        ),
        look_ko=(
            "기울기(Gradients) 탭에서 AdaGrad의 실제 보폭이 시간이 갈수록 0으로 줄어드는 것을 "
            "보세요."
        ),
        group=0,
    ),
    Topic(
        key="rmsprop",
        title_en="RMSProp",
        title_ko="RMSProp",
        body_en=(
            "RMSProp fixes AdaGrad's fading steps by forgetting. Instead of summing every "
            "squared gradient forever, it keeps an exponential moving average, so old gradients "
            "count less and less (a decay of 0.99 remembers roughly the last hundred steps). "
            "Each parameter still gets its own step size, but that step follows recent history "
            "and does not die out."
        ),
        body_ko=(
            "RMSProp는 '잊어버리기'로 AdaGrad의 보폭이 사라지는 문제를 고칩니다. 기울기 "
            "제곱을 영원히 더하는 대신 지수 이동 평균을 유지하므로, 오래된 기울기일수록 덜 "
            "반영됩니다 (감쇠율 0.99면 대략 최근 100스텝을 기억합니다). 매개변수마다 자기 "
            "보폭을 갖는 점은 같지만, 그 보폭이 최근 기울기를 따라가므로 사라지지 않습니다."
        ),
        look_en=(
            "On the Gradients tab, RMSProp's effective step stays alive while AdaGrad's fades."
        ),
        look_ko=(
            "기울기(Gradients) 탭에서 AdaGrad의 보폭은 사그라드는데 RMSProp의 보폭은 "
            "살아 있는 것을 보세요."
        ),
        group=0,
    ),
    Topic(
        key="adam",
        title_en="Adam",
        title_ko="Adam",
        body_en=(
            "Adam is Momentum and RMSProp together. It keeps a moving average of the gradients "
            "(the direction, like momentum) and a moving average of their squares (the scale, "
            "like RMSProp), and steps along the first divided by the square root of the second. "
            "Early on both averages start at zero, so Adam corrects that bias during the first "
            "steps. Its defaults (lr 0.001, β1 0.9, β2 0.999) work well on many problems, which "
            "is why it is a common first choice."
        ),
        body_ko=(
            "Adam은 모멘텀과 RMSProp를 합친 방법입니다. 기울기의 이동 평균(방향, 모멘텀처럼)과 "
            "기울기 제곱의 이동 평균(크기, RMSProp처럼)을 함께 유지하고, 앞의 것을 뒤의 것의 "
            "제곱근으로 나눈 만큼 움직입니다. 처음에는 두 평균이 0에서 출발하므로 초반 몇 "
            "스텝 동안 이 치우침을 보정합니다. 기본값(학습률 0.001, β1 0.9, β2 0.999)이 많은 "
            "문제에서 잘 통해서 흔히 가장 먼저 써 보는 옵티마이저입니다."
        ),
        look_en=(
            "On the Loss and Accuracy tabs, Adam and the other adaptive optimizers beat plain "
            "SGD after the same number of updates."
        ),
        look_ko=(
            "손실(Loss)과 정확도(Accuracy) 탭에서 같은 갱신 횟수 동안 Adam과 다른 적응형 "
            "옵티마이저가 기본 SGD를 앞서는 것을 보세요."
        ),
        group=0,
    ),
    # --- 2. Vanishing gradients ----------------------------------------------------------
    Topic(
        key="vanishing",
        title_en="Vanishing gradients",
        title_ko="기울기 소실",
        body_en=(
            "Backpropagation passes the gradient from the output back to the input, multiplying "
            "by each layer's local derivative on the way. If those factors are mostly smaller "
            "than 1, the product shrinks layer after layer, and by the first layers almost "
            "nothing is left. Those layers then barely change, so a deep network stops learning "
            "even though the last layers look busy. The cures are activations whose derivative "
            "does not shrink (ReLU) and initial weights of the right scale."
        ),
        body_ko=(
            "역전파는 출력층에서 입력층 쪽으로 기울기를 전달하면서 층마다 국소 미분값을 "
            "곱합니다. 이 값들이 대부분 1보다 작으면 곱은 층을 지날 때마다 작아져서, 앞쪽 "
            "층에 도착할 즈음에는 거의 남지 않습니다. 그러면 앞쪽 층은 거의 바뀌지 않고, 뒤쪽 "
            "층만 바쁘게 움직일 뿐 깊은 신경망 전체는 학습을 멈춥니다. 처방은 미분값이 "
            "줄어들지 않는 활성화 함수(ReLU)와 알맞은 크기의 초기값입니다."
        ),
        look_en=(
            "On the Gradients tab, a deep sigmoid net's gradient norm drops by orders of "
            "magnitude from the last layer to the first."
        ),
        look_ko=(
            "기울기(Gradients) 탭에서 깊은 시그모이드 신경망의 기울기 크기가 마지막 층에서 첫 "
            "층으로 갈수록 몇 자릿수씩 작아지는 것을 보세요."
        ),
        group=1,
    ),
    Topic(
        key="sigmoid",
        title_en="Sigmoid",
        title_ko="시그모이드 (Sigmoid)",
        body_en=(
            "The sigmoid squashes any input into (0, 1) along a smooth S-curve. Its slope is at "
            "most 0.25, right at 0, and almost zero once the input is large in either "
            "direction: the neuron is saturated. So every sigmoid layer multiplies the gradient "
            "by at most a quarter, and by far less when saturated. That is fine for a shallow "
            "net, or for one output probability, but it is the classic cause of vanishing "
            "gradients in deep nets."
        ),
        body_ko=(
            "시그모이드는 어떤 입력이든 부드러운 S자 곡선을 따라 (0, 1) 사이로 눌러 담습니다. "
            "기울기는 입력이 0일 때 가장 커도 0.25이고, 입력이 어느 쪽으로든 커지면 거의 0이 "
            "됩니다. 이 상태를 포화라고 합니다. 그래서 시그모이드 층 하나를 지날 때마다 "
            "기울기는 많아야 4분의 1로, 포화되면 훨씬 더 작게 줄어듭니다. 얕은 신경망이나 "
            "확률 하나를 내는 출력층에는 괜찮지만, 깊은 신경망에서는 기울기 소실의 대표적인 "
            "원인입니다."
        ),
        look_en=(
            "On the Activations tab, saturated sigmoid layers pile their outputs up at 0 and 1."
        ),
        look_ko=(
            "활성화(Activations) 탭에서 포화된 시그모이드 층의 출력이 0과 1에 몰리는 것을 보세요."
        ),
        group=1,
    ),
    Topic(
        key="tanh",
        title_en="tanh",
        title_ko="tanh (쌍곡 탄젠트)",
        body_en=(
            "tanh has the same S-shape as the sigmoid but maps into (-1, 1) and is centred on 0. "
            "Its slope, 1 - tanh², reaches 1 at 0, four times the sigmoid's best, so gradients "
            "survive a little longer. Zero-centred outputs also help the next layer, whose "
            "inputs are no longer all positive. It still saturates for large inputs, so deep "
            "tanh stacks can vanish too; the lecture suggests ReLU in hidden layers and tanh at "
            "the output."
        ),
        body_ko=(
            "tanh는 시그모이드와 같은 S자 모양이지만 (-1, 1) 사이 값을 내고 0을 중심으로 "
            "대칭입니다. 기울기 1 - tanh²는 0에서 1로, 시그모이드의 최댓값보다 네 배 커서 "
            "기울기가 조금 더 오래 살아남습니다. 출력이 0을 중심으로 퍼져 있으니 다음 층의 "
            "입력이 모두 양수로 치우치지 않는다는 장점도 있습니다. 그래도 입력이 크면 포화되므로 "
            "깊게 쌓으면 기울기 소실이 생길 수 있습니다. 강의에서는 은닉층에 ReLU, 출력층에 "
            "tanh를 권합니다."
        ),
        look_en=(
            "Compare tanh with sigmoid and ReLU on the Gradients tab and in the Loss curves of "
            "the same preset."
        ),
        look_ko=(
            "같은 프리셋에서 기울기(Gradients) 탭과 손실(Loss) 곡선으로 tanh를 시그모이드, "
            "ReLU와 비교해 보세요."
        ),
        group=1,
    ),
    Topic(
        key="relu",
        title_en="ReLU and leaky ReLU",
        title_ko="ReLU와 Leaky ReLU",
        body_en=(
            "ReLU keeps positive inputs as they are and turns negative ones into 0: max(0, x). "
            "For every active neuron the slope is exactly 1, so the gradient passes back through "
            "the layer without shrinking, and deep ReLU nets train where sigmoid nets stall. "
            "The flip side is that a neuron whose input is always negative outputs 0 and gets no "
            "gradient at all: it is dead. Leaky ReLU lets a small slope (like 0.01) through for "
            "negative inputs so that such neurons can recover."
        ),
        body_ko=(
            "ReLU는 양수 입력은 그대로 두고 음수 입력은 0으로 바꿉니다: max(0, x). 활성화된 "
            "뉴런에서는 기울기가 정확히 1이라 기울기가 줄지 않고 층을 통과하므로, 시그모이드 "
            "신경망이 멈추는 깊이에서도 ReLU 신경망은 학습됩니다. 대신 입력이 늘 음수인 "
            "뉴런은 0만 내고 기울기도 전혀 받지 못하는, 이른바 죽은 뉴런이 됩니다. Leaky "
            "ReLU는 음수 쪽에도 0.01 같은 작은 기울기를 남겨 두어 이런 뉴런이 되살아날 수 "
            "있게 합니다."
        ),
        look_en=(
            "On the Gradients tab, a ReLU net's gradient norms stay within a small factor from "
            "layer to layer."
        ),
        look_ko=(
            "기울기(Gradients) 탭에서 ReLU 신경망의 층별 기울기 크기가 크게 달라지지 않는 "
            "것을 보세요."
        ),
        group=1,
    ),
    # --- 3. Weight initialization --------------------------------------------------------
    Topic(
        key="init",
        title_en="Weight init: N(0,1), 0.01, Xavier, He",
        title_ko="가중치 초기값: N(0,1), 0.01, Xavier, He",
        body_en=(
            "The goal of initialization is that the inputs to each activation grow neither too "
            "large nor too small as the signal goes deeper. With N(0, 1) weights the sums are "
            "huge, sigmoid saturates and outputs pile up at 0 and 1. With std 0.01 they are "
            "tiny, every sigmoid says about 0.5 and all neurons act alike. Xavier (std 1/√n_in) "
            "keeps a healthy spread for sigmoid and tanh; ReLU zeroes half of its inputs, so He "
            "(std √(2/n_in)) doubles the variance to make up for it. Rule of thumb: Xavier for "
            "sigmoid/tanh, He for ReLU."
        ),
        body_ko=(
            "초기값의 목표는 신호가 깊은 층으로 갈수록 활성화 함수의 입력이 너무 커지지도, "
            "너무 작아지지도 않게 하는 것입니다. N(0, 1)로 시작하면 합이 너무 커져서 "
            "시그모이드가 포화되고 출력이 0과 1에 몰립니다. 표준편차 0.01이면 합이 너무 작아 "
            "모든 시그모이드가 0.5 근처만 내고, 뉴런들이 다 같은 말을 하게 됩니다(표현력 "
            "제한). Xavier(표준편차 1/√n_in)는 시그모이드와 tanh에서 고른 분포를 유지합니다. "
            "ReLU는 입력의 절반을 0으로 만들기 때문에 He(표준편차 √(2/n_in))는 분산을 두 배로 "
            "키워 이를 보충합니다. 정리하면 시그모이드/tanh에는 Xavier, ReLU에는 He입니다."
        ),
        look_en=(
            "On the Activations tab, compare the per-layer histograms of each init; the Loss tab "
            "shows which one actually trains."
        ),
        look_ko=(
            "활성화(Activations) 탭에서 초기값마다 층별 히스토그램을 비교하고, 손실(Loss) "
            "탭에서 어느 쪽이 실제로 학습되는지 보세요."
        ),
        group=2,
    ),
    # --- 4. Overfitting -------------------------------------------------------------------
    Topic(
        key="overfitting",
        title_en="Overfitting",
        title_ko="과적합",
        body_en=(
            "A network with many parameters and little data can memorize the training set, "
            "noise included, instead of learning the pattern behind it. Training accuracy then "
            "climbs toward 100% while test accuracy stalls far below. The test set is what "
            "counts, so always look at both curves together: the gap between them is the "
            "overfitting. More data helps; so do the regularizers that follow."
        ),
        body_ko=(
            "매개변수는 많은데 데이터가 적으면, 신경망은 데이터 뒤의 규칙을 배우는 대신 잡음까지 "
            "포함해 학습 데이터를 통째로 외워 버릴 수 있습니다. 그러면 학습 정확도는 100%를 "
            "향해 오르는데 시험 정확도는 한참 아래에서 멈춥니다. 중요한 것은 시험 성능이므로 "
            "두 곡선을 항상 함께 보세요. 둘 사이의 간격이 바로 과적합입니다. 데이터를 늘리면 "
            "도움이 되고, 이어지는 정규화 기법들도 도움이 됩니다."
        ),
        look_en=(
            "On the Accuracy tab, the gap between the train and test curves is the overfitting."
        ),
        look_ko=("정확도(Accuracy) 탭에서 학습 곡선과 시험 곡선 사이의 간격이 곧 과적합입니다."),
        group=3,
    ),
    Topic(
        key="l1",
        title_en="L1 regularization (Lasso)",
        title_ko="L1 정규화 (Lasso)",
        body_en=(
            "L1 adds λ·Σ|w| to the loss, so every weight pays a cost for being non-zero. Its "
            "gradient is the same size, λ, however small the weight is, so it keeps pushing "
            "weights all the way to zero. The result is a sparse network: many weights end up "
            "(almost) exactly zero and only the few that really matter survive. That makes the "
            "model simpler and less able to memorize noise."
        ),
        body_ko=(
            "L1 정규화는 손실에 λ·Σ|w|를 더해서, 0이 아닌 가중치마다 비용을 물립니다. 이 "
            "항의 기울기는 가중치가 아무리 작아도 크기가 λ로 같기 때문에, 가중치를 0까지 "
            "끝까지 밀어붙입니다. 그 결과 많은 가중치가 (거의) 정확히 0이 되고 정말 중요한 "
            "몇 개만 남는 희소한 신경망이 됩니다. 모델이 단순해지니 잡음을 외우기도 "
            "어려워집니다."
        ),
        look_en=(
            "On the Weights tab, L1 shows a tall spike at zero and the largest fraction of "
            "near-zero weights."
        ),
        look_ko=(
            "가중치(Weights) 탭에서 L1은 0에 우뚝 솟은 막대와 가장 높은 0 근처 가중치 비율을 "
            "보입니다."
        ),
        group=3,
    ),
    Topic(
        key="l2",
        title_en="L2 regularization (Ridge, weight decay)",
        title_ko="L2 정규화 (Ridge, 가중치 감소)",
        body_en=(
            "L2 adds λ/2·Σw² to the loss. Its gradient is λ·w, so each step shrinks every weight "
            "in proportion to its size: large weights are pulled down hardest, small ones "
            "hardly at all. That is why it is also called weight decay. Unlike L1 it rarely "
            "makes weights exactly zero; instead it spreads the work over many small weights, "
            "which gives smoother decision boundaries and a smaller train/test gap."
        ),
        body_ko=(
            "L2 정규화는 손실에 λ/2·Σw²를 더합니다. 이 항의 기울기는 λ·w라서, 매 스텝 각 "
            "가중치를 자기 크기에 비례해 줄입니다. 큰 가중치는 가장 세게 눌리고 작은 가중치는 "
            "거의 건드리지 않습니다. 그래서 가중치 감소(weight decay)라고도 부릅니다. L1과 "
            "달리 가중치를 정확히 0으로 만드는 일은 드물고, 대신 여러 작은 가중치에 일을 "
            "나눠 맡겨 결정 경계가 매끄러워지고 학습/시험 간격이 줄어듭니다."
        ),
        look_en=(
            "On the Weights tab, L2 narrows the histogram without a spike at zero; the Accuracy "
            "tab shows a smaller gap."
        ),
        look_ko=(
            "가중치(Weights) 탭에서 L2는 0에 막대를 세우지 않고 히스토그램 폭을 좁히며, "
            "정확도(Accuracy) 탭에서는 간격이 줄어듭니다."
        ),
        group=3,
    ),
    Topic(
        key="dropout",
        title_en="Dropout",
        title_ko="드롭아웃",
        body_en=(
            "During training, dropout switches off a random fraction of the neurons in each "
            "layer (for example 20%) at every step, with a fresh random choice each time. A "
            "dropped neuron sends nothing forward and receives no gradient back. Because no "
            "neuron can count on any particular partner being there, the network cannot lean on "
            "fragile co-adapted tricks and must learn sturdier features. At test time every "
            "neuron is used, scaled so the expected signal matches training; it acts like an "
            "average over many thinned networks."
        ),
        body_ko=(
            "드롭아웃은 학습하는 동안 매 스텝 각 층의 뉴런 중 일정 비율(예: 20%)을 무작위로 "
            "꺼 둡니다. 끄는 뉴런은 스텝마다 새로 뽑습니다. 꺼진 뉴런은 앞으로 신호를 보내지 "
            "않고, 역전파 때 기울기도 받지 않습니다. 어떤 뉴런도 특정 짝이 늘 있으리라 기대할 "
            "수 없으니, 신경망은 서로 기대는 불안한 요령 대신 더 튼튼한 특징을 배워야 합니다. "
            "시험할 때는 모든 뉴런을 쓰되 학습 때와 신호 크기가 맞도록 조정하며, 이는 여러 "
            "작은 신경망을 평균 내는 효과를 냅니다."
        ),
        look_en=(
            "On the Accuracy tab, compare the train/test gap with and without dropout: training "
            "accuracy rises more slowly, test accuracy holds up."
        ),
        look_ko=(
            "정확도(Accuracy) 탭에서 드롭아웃이 있을 때와 없을 때의 학습/시험 간격을 비교해 "
            "보세요. 학습 정확도는 천천히 오르고 시험 정확도는 잘 버팁니다."
        ),
        group=3,
    ),
    Topic(
        key="batchnorm",
        title_en="Batch normalization",
        title_ko="배치 정규화",
        body_en=(
            "Batch normalization rescales the inputs of a hidden layer, per mini-batch, to "
            "mean 0 and variance 1, then lets the network learn its own scale and shift. Each "
            "layer thus sees inputs of a steady size no matter how the earlier layers or the "
            "initial weights behave. In practice training gets much faster, the choice of "
            "initial weight scale matters far less, and the noise of batch statistics gives a "
            "mild regularizing effect. At test time it uses running averages collected during "
            "training instead of the batch's own statistics."
        ),
        body_ko=(
            "배치 정규화는 은닉층의 입력을 미니 배치 단위로 평균 0, 분산 1이 되도록 맞춘 다음, "
            "알맞은 크기와 위치는 신경망이 스스로 배우게 합니다. 그래서 앞쪽 층이나 초기값이 "
            "어떻든 각 층은 늘 비슷한 크기의 입력을 받습니다. 실제로 학습이 훨씬 빨라지고, "
            "초기값의 크기에 덜 민감해지며, 배치 통계의 잡음 덕분에 과적합도 다소 줄어듭니다. "
            "시험할 때는 그 배치의 통계 대신 학습 중에 모아 둔 이동 평균을 씁니다."
        ),
        look_en=(
            "On the Loss tab, batch norm runs learn at init scales where the plain net stays "
            "flat; the Activations tab shows the steady spread per layer."
        ),
        look_ko=(
            "손실(Loss) 탭에서 일반 신경망이 멈춰 있는 초기값 크기에서도 배치 정규화 실행은 "
            "학습되는 것을, 활성화(Activations) 탭에서 층마다 고르게 유지되는 분포를 보세요."
        ),
        group=3,
    ),
]

TOPICS_BY_KEY: dict[str, Topic] = {topic.key: topic for topic in TOPICS}
