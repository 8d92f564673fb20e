claim-ask = Envie o código do dispositivo (parece com <code>7KQ2M-XR9DA</code>) ou /cancel.
claim-done = ✅ Agora você é o dono de { $name }. Abra: /devices
claim-wrong = ❌ Esse código não corresponde a nenhum dispositivo. { $left ->
    [0] Essa foi a última tentativa por enquanto: espere 15 minutos antes da próxima.
    [one] Confira: mais uma tentativa antes de uma pausa de 15 minutos. Ou /cancel.
    [many] Confira e tente de novo (restam { $left } tentativas) ou /cancel.
   *[other] Confira e tente de novo (restam { $left } tentativas) ou /cancel.
}
claim-malformed = ❌ Um código tem 10 letras e números, como <code>7KQ2M-XR9DA</code> (o hífen é opcional). Confira e tente de novo ou /cancel.
claim-used = ❌ Esse código já foi usado. Cada código vale uma vez; peça um novo a quem configurou o dispositivo.
claim-expired = ❌ Esse código expirou. Peça um novo a quem configurou o dispositivo.
error-too-many-attempts = ⏳ Códigos errados demais. Tente de novo em { $minutes ->
    [one] um minuto
    [many] { $minutes } minutos
   *[other] { $minutes } minutos
}.
