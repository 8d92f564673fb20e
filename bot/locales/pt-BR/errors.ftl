error-generic = Algo deu errado do nosso lado. Tente de novo daqui a pouco.
error-not-found = Este dispositivo não existe ou você não tem acesso a ele.
error-stale = Este botão está desatualizado. Envie /devices para ver a lista atual.
error-invalid-input = Não consegui usar isso. Confira e tente de novo.
private-only = Eu só funciono em conversas privadas, para ninguém mais ver seus dispositivos ou códigos: abra uma conversa com @{ $bot }.
private-only-button = Isso só funciona numa conversa privada comigo.
unknown-command = Não conheço esse comando. Envie /help para ver o que eu sei fazer.
unexpected-text = Eu não esperava uma mensagem aqui. Envie /help para ver o que eu sei fazer.
shelly-bad-channel = Este dispositivo não tem esse canal. Abra-o de novo pelo /devices.
shelly-bad-link = Uma ligação é assim: 0=shellypro3em-…:a (canal, medidor, fase a, b ou c).
secret-keys-missing = Não é possível guardar segredos: SECRET_KEYS não está definido no servidor.
secret-unreadable = Um segredo guardado não pode ser lido com as SECRET_KEYS atuais.
confirmation-expired = ⌛ Essa confirmação expirou (30 s) ou já foi usada. Comece de novo pelo cartão.
confirmation-not-yours = 🙅 Só quem pediu pode confirmar isto.
up-to-date = ✓ Atualizado.
error-flood = ⏳ O Telegram pede que eu vá mais devagar nesta conversa. Tente de novo em { $seconds } s.
error-not-allowed = Você não pode mais fazer isso em { $device }: seu papel lá é { $role }.
